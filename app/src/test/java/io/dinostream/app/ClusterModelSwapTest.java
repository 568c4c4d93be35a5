package io.dinostream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dinostream.app.registry.VersionRegistration;
import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.EmbeddedKafka;
import io.dinostream.common.kafka.KafkaSetup;
import io.dinostream.common.registry.BackfillProgress;
import io.dinostream.common.registry.ModelRegistry;
import io.dinostream.embedder.model.LoadOptions;
import io.dinostream.ingest.FashionMnist;
import io.dinostream.ingest.ImagePublisher;
import io.dinostream.ingest.Ingestor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live model swap when the roles run as separate processes: two {@code serve --roles
 * embedder,index,api} JVMs on one in-process broker, sharing a model store. The swap from A
 * (fmnist-vit-tiny) to B (fmnist-vit-micro) is requested while images are ingested, and one instance is
 * killed with SIGKILL in the middle of the backfill and restarted. The backfill resumes, the elected
 * writer flips the registry, both instances serve B, and every image, those ingested during the swap
 * included, is found under B exactly once. Then a rollback under queries to both instances: no query
 * fails and none mixes versions. Queries are stored images, so the answering version's own vector must
 * come back first at cosine 1.
 */
class ClusterModelSwapTest {
    private static final String API_KEY = "cluster-swap-test-key-0123456789";
    private static final int PARTITIONS = 4;
    private static final int BEFORE = 1_000;
    private static final int DURING = 100;
    private static final Duration TIMEOUT = Duration.ofMinutes(8);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void swapsAcrossProcessesSurvivesAKilledInstanceAndRollsBack(@TempDir Path dir) throws Exception {
        FashionMnist fmnist = FashionMnist.load(FashionMnist.DEFAULT_DIR, "test");
        ShippedModels.Both models = ShippedModels.both(dir);
        Path tiny = models.tiny();
        Path micro = models.micro();
        String a = models.tinyVersion();
        String b = models.microVersion();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            Path store = dir.resolve("store"); // the shared volume every instance reads weights from
            DinostreamConfig config = new DinostreamConfig(Map.of(
                    DinostreamConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    DinostreamConfig.TOPIC_PARTITIONS, PARTITIONS,
                    DinostreamConfig.MODEL_STORE_DIR, store.toString(),
                    DinostreamConfig.DATA_DIR, dir.resolve("admin").toString()));
            KafkaSetup.createTopics(config);
            VersionRegistration.register(config, tiny, "tiny", null, Map.of(), LoadOptions.defaults());
            VersionRegistration.register(config, micro, "micro", a, Map.of(), LoadOptions.defaults());
            ModelRegistry.open(config).activate(a);
            Files.writeString(dir.resolve("keys"), "ops:admin:" + API_KEY + "\n");
            Files.writeString(
                    dir.resolve("swap.properties"),
                    "model.store.dir=" + store + "\nmodel.swap.check.ms=250\nmodel.weights=" + tiny + "\n");

            int portA = ServeProcess.freePort();
            int portB = ServeProcess.freePort();
            ServeProcess first = startInstance(kafka.bootstrapServers(), dir, "a", portA);
            ServeProcess second = startInstance(kafka.bootstrapServers(), dir, "b", portB);
            try (ImagePublisher publisher = new ImagePublisher(config, Clock.systemUTC())) {
                Ingestor ingestor = new Ingestor(publisher, config.imageMaxBytes());
                ingestor.ingest(fmnist.candidates(BEFORE), n -> {});
                Await.until(BEFORE + " images indexed under A", TIMEOUT, () -> vectors(a, portA, portB) == BEFORE);

                // The swap, with ingest going on and one instance killed half-way through the backfill.
                Queries survivor = Queries.start(http, new int[] {portA}, fmnist, BEFORE);
                ModelRegistry.open(config).requestActivation(b);
                ingestor.ingest(fmnist.candidates(BEFORE + DURING).subList(BEFORE, BEFORE + DURING), n -> {});
                BackfillProgress atKill = Await.value("the backfill of B under way", TIMEOUT, () -> progress(config, b)
                        .filter(p -> p.indexed() >= 50));
                second.kill();
                assertTrue(
                        !atKill.done() && atKill.indexed() < BEFORE + DURING,
                        "killed in the middle of the backfill: " + atKill.describe());
                second = startInstance(kafka.bootstrapServers(), dir, "b", portB);
                long swapStart = System.nanoTime();
                Await.until(
                        "both instances serving B",
                        TIMEOUT,
                        () -> serving(portA).equals(Optional.of(b))
                                && serving(portB).equals(Optional.of(b)));
                double flipSeconds = (System.nanoTime() - swapStart) / 1e9;
                survivor.stop();
                assertEquals(
                        b,
                        ModelRegistry.open(config)
                                .state()
                                .active()
                                .orElseThrow()
                                .id(),
                        "the flip is recorded");
                BackfillProgress done = progress(config, b).orElseThrow();
                assertTrue(done.done() && done.imagesPerSecond() > 0, done.describe());

                // Nothing lost, nothing twice: every image once under each version, each one's B vector found.
                Await.until("every image indexed under B", TIMEOUT, () -> vectors(b, portA, portB) == BEFORE + DURING);
                assertEquals(BEFORE + DURING, vectors(a, portA, portB), "A's index kept every image once");
                for (int i = 0; i < BEFORE + DURING; i++) {
                    int port = i % 2 == 0 ? portA : portB;
                    JsonNode similar = getJson(port, "/v1/images/" + fmnist.id(i) + "/similar?k=1");
                    assertEquals(b, similar.path("model").path("version").asText(), similar.toString());
                    // 200 means the image's own vector was found in B's index (a look-up by id)
                    assertTrue(
                            !similar.path("partial").asBoolean()
                                    && similar.path("results").size() == 1,
                            "image " + i + " under B: " + similar);
                }

                // Rollback under queries to both instances: immediate, nothing failed, nothing mixed.
                Queries both = Queries.start(http, new int[] {portA, portB}, fmnist, BEFORE);
                Thread.sleep(1_000); // queries under B before the rollback
                long rollbackStart = System.nanoTime();
                ModelRegistry.open(config).rollback();
                Await.until(
                        "both instances serving A again",
                        TIMEOUT,
                        () -> serving(portA).equals(Optional.of(a))
                                && serving(portB).equals(Optional.of(a)));
                double rollbackSeconds = (System.nanoTime() - rollbackStart) / 1e9;
                Thread.sleep(1_000); // and under A after it
                both.stop();

                System.out.printf(
                        "cluster model swap: killed at %s; both on B %.1f s after the restart (%s); "
                                + "rollback %.2f s; during the kill %s; across the rollback %s%n",
                        atKill.describe(),
                        flipSeconds,
                        done.describe(),
                        rollbackSeconds,
                        survivor.describe(),
                        both.describe());
                assertEquals(0, survivor.mixed.get(), "mixed answers; first: " + survivor.firstProblem.get());
                assertEquals(0, survivor.failed.get(), "failed queries; first: " + survivor.firstProblem.get());
                assertTrue(survivor.byVersion.keySet().containsAll(List.of(a, b)), survivor.describe());
                assertEquals(0, both.mixed.get(), "mixed answers; first: " + both.firstProblem.get());
                assertEquals(0, both.failed.get(), "failed queries; first: " + both.firstProblem.get());
                assertEquals(0, both.partial.get(), "partial answers with both instances up: " + both.describe());
                assertTrue(both.byVersion.keySet().containsAll(List.of(a, b)), both.describe());
                assertTrue(rollbackSeconds < 5, "rollback is immediate: " + rollbackSeconds + " s");
            } finally {
                first.stop();
                second.stop();
            }
        }
    }

    private static ServeProcess startInstance(String bootstrap, Path dir, String name, int port) throws Exception {
        Path data = dir.resolve(name);
        return ServeProcess.start(
                data,
                name,
                TIMEOUT,
                List.of(
                        "--config",
                        dir.resolve("swap.properties").toString(),
                        "--roles",
                        "embedder,index,api",
                        "--bootstrap-servers",
                        bootstrap,
                        "--data-dir",
                        data.toString(),
                        "--api-host",
                        "127.0.0.1",
                        "--api-port",
                        Integer.toString(port),
                        "--topic-partitions",
                        Integer.toString(PARTITIONS),
                        "--group-session-timeout-ms",
                        "6000",
                        "--index-commit-interval-ms",
                        "100",
                        "--api-rate-limit",
                        "0",
                        "--api-keys-file",
                        dir.resolve("keys").toString()));
    }

    private static Optional<BackfillProgress> progress(DinostreamConfig config, String version) throws IOException {
        return ModelRegistry.open(config).state().progress(version);
    }

    /** The version an instance serves, from its {@code /health}; empty while it does not answer. */
    private Optional<String> serving(int port) {
        try {
            return Optional.of(getJson(port, "/health")
                    .path("pipeline")
                    .path("modelSwap")
                    .path("serving")
                    .asText());
        } catch (Exception | AssertionError e) {
            return Optional.empty(); // restarting
        }
    }

    /** {@code version}'s vectors over both instances (the internal lanes route); -1 while one does not answer. */
    private long vectors(String version, int... ports) {
        long total = 0;
        for (int port : ports) {
            try {
                for (JsonNode lane : getJson(port, "/internal/v1/lanes").path("lanes")) {
                    if (lane.path("version").asText().equals(version)) {
                        total += lane.path("vectors").asLong();
                    }
                }
            } catch (Exception | AssertionError e) {
                return -1; // an instance is (re)starting: not settled yet
            }
        }
        return total;
    }

    private JsonNode getJson(int port, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + API_KEY)
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return JSON.readTree(response.body());
    }

    /**
     * Searches with stored images in a loop, round robin over {@code ports}, and sorts the answers: by the
     * version that served them, mixed (the image's own vector not first at cosine 1), partial (shards named
     * missing, explicit), failed.
     */
    private static final class Queries {
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger mixed = new AtomicInteger();
        final AtomicInteger partial = new AtomicInteger();
        final Map<String, AtomicInteger> byVersion = new ConcurrentHashMap<>();
        final AtomicReference<String> firstProblem = new AtomicReference<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        static Queries start(HttpClient http, int[] ports, FashionMnist fmnist, int stored) {
            Queries queries = new Queries();
            Thread thread = new Thread(
                    () -> {
                        for (int q = 0; queries.running.get(); q++) {
                            int i = (q * 37) % stored;
                            queries.ask(http, ports[q % ports.length], fmnist.png(i), fmnist.id(i));
                        }
                    },
                    "swap-queries");
            queries.threads.add(thread);
            thread.start();
            return queries;
        }

        private void ask(HttpClient http, int port, byte[] png, String id) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/search?k=3"))
                    .header("Content-Type", "image/png")
                    .header("Authorization", "Bearer " + API_KEY)
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(png))
                    .build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    failed.incrementAndGet();
                    firstProblem.compareAndSet(null, response.statusCode() + " " + response.body());
                    return;
                }
                JsonNode answer = JSON.readTree(response.body());
                byVersion
                        .computeIfAbsent(answer.path("model").path("version").asText(), v -> new AtomicInteger())
                        .incrementAndGet();
                if (answer.path("partial").asBoolean()) {
                    partial.incrementAndGet();
                    if (answer.path("missingShards").isEmpty()) {
                        failed.incrementAndGet();
                        firstProblem.compareAndSet(null, "partial without missing shards: " + answer);
                    }
                    return;
                }
                JsonNode top = answer.path("results").path(0);
                if (!id.equals(top.path("id").asText()) || top.path("score").asDouble() < 0.999) {
                    mixed.incrementAndGet();
                    firstProblem.compareAndSet(null, id + " answered " + answer);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failed.incrementAndGet();
                firstProblem.compareAndSet(null, e.toString());
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join();
            }
        }

        String describe() {
            return byVersion + " by version, " + partial.get() + " partial, " + mixed.get() + " mixed, " + failed.get()
                    + " failed";
        }
    }
}
