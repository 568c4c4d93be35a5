package io.dinostream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.EmbeddedKafka;
import io.dinostream.common.kafka.KafkaSetup;
import io.dinostream.ingest.FashionMnist;
import io.dinostream.ingest.ImageCandidate;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale-out story end to end: three in-process KRaft brokers (replication factor 3, min ISR 2) and two
 * {@code dinostream serve --roles embedder,index,api} instances in their own JVMs. While 5,000 images are
 * ingested, one instance is killed with SIGKILL and restarted, and one broker is stopped and restarted.
 * Afterwards every image is searchable exactly once: the instances' shard sizes add up to 5,000 and each
 * id is found, with its vector, through either instance. A probe query runs throughout; every answer is
 * either complete and correct, or says {@code partial: true} and names the missing shards, or is an
 * explicit HTTP error: none fails silently.
 */
class ClusterFailoverTest {
    private static final int IMAGES = 5_000;
    private static final int PARTITIONS = 4;
    private static final Duration TIMEOUT = Duration.ofMinutes(8);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The key file both instances share: the test reads with it, the instances call each other with it. */
    private static final String API_KEY = "cluster-test-admin-key-0123456789";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void killsAnInstanceAndABrokerDuringIngestAndLosesNothing(@TempDir Path dir) throws Exception {
        FashionMnist fmnist = FashionMnist.load(FashionMnist.DEFAULT_DIR, "test");
        List<ImageCandidate> candidates = fmnist.candidates(IMAGES);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 3, 0)) {
            DinostreamConfig config = new DinostreamConfig(Map.of(
                    DinostreamConfig.BOOTSTRAP_SERVERS,
                    kafka.bootstrapServers(),
                    DinostreamConfig.TOPIC_PARTITIONS,
                    PARTITIONS,
                    DinostreamConfig.TOPIC_REPLICATION_FACTOR,
                    "3"));
            KafkaSetup.createTopics(config);
            Files.writeString(dir.resolve("keys"), "cluster:admin:" + API_KEY + "\n");
            int portA = ServeProcess.freePort();
            int portB = ServeProcess.freePort();
            ServeProcess a = startInstance(kafka.bootstrapServers(), dir.resolve("a"), portA);
            ServeProcess b = startInstance(kafka.bootstrapServers(), dir.resolve("b"), portB);
            ProbeLoop probe = null;
            try (ImagePublisher publisher = new ImagePublisher(config, Clock.systemUTC())) {
                Ingestor ingestor = new Ingestor(publisher, config.imageMaxBytes());
                // The probe image first, indexed before the failures start.
                assertEquals(
                        1, ingestor.ingest(candidates.subList(0, 1), n -> {}).published());
                Await.until("the probe image indexed", TIMEOUT, () -> totalSize(portA, portB) == 1);
                probe = ProbeLoop.start(http, new int[] {portA, portB}, fmnist.png(0), fmnist.id(0));

                publish(ingestor, candidates, 1, 1_500);
                b.kill(); // SIGKILL in the middle of ingest
                publish(ingestor, candidates, 1_500, 2_500);
                b = startInstance(kafka.bootstrapServers(), dir.resolve("b"), portB);
                publish(ingestor, candidates, 2_500, 3_500);
                kafka.stopNode(2);
                publish(ingestor, candidates, 3_500, 4_200);
                kafka.restartNode(2);
                publish(ingestor, candidates, 4_200, IMAGES);
            }
            try {
                Await.until(
                        IMAGES + " images indexed across both instances",
                        TIMEOUT,
                        () -> totalSize(portA, portB) == IMAGES);
                probe.stop();
                // Exactly once: each id is found, through either instance, with its vector.
                for (int i = 0; i < IMAGES; i++) {
                    int port = i % 2 == 0 ? portA : portB;
                    JsonNode meta = getJson(port, "/v1/images/" + fmnist.id(i) + "/meta");
                    assertTrue(meta.path("embedded").asBoolean(), fmnist.id(i) + " " + meta);
                }
                assertEquals(IMAGES, totalSize(portA, portB), "no image counted twice");
                JsonNode complete = search(portB, fmnist.png(0));
                assertTrue(!complete.path("partial").asBoolean(), complete.toString());
                assertEquals(
                        fmnist.id(0), complete.path("results").get(0).path("id").asText());

                assertTrue(probe.silentFailures.isEmpty(), "silent failures: " + probe.silentFailures);
                assertTrue(probe.complete > 0, "some probe answers were complete");
                System.out.printf(
                        "probe: %d complete, %d partial, %d explicit errors %s%n",
                        probe.complete, probe.partial, probe.errors, probe.errorKinds);
            } finally {
                probe.stop();
                a.stop();
                b.stop();
            }
        }
    }

    private static void publish(Ingestor ingestor, List<ImageCandidate> candidates, int from, int to) throws Exception {
        Ingestor.Report report = ingestor.ingest(candidates.subList(from, to), n -> {});
        assertEquals(to - from, report.published(), "every image acknowledged by Kafka");
    }

    private long totalSize(int... ports) {
        long total = 0;
        for (int port : ports) {
            try {
                total += getJson(port, "/health").path("indexSize").asLong();
            } catch (Exception e) {
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

    private JsonNode search(int port, byte[] png) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/search?k=5"))
                .header("Content-Type", "image/png")
                .header("Authorization", "Bearer " + API_KEY)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(png))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    /** Searches with the probe image in a loop and sorts every answer into complete, partial or error. */
    private static final class ProbeLoop {
        final List<String> silentFailures = new CopyOnWriteArrayList<>();
        volatile int complete;
        volatile int partial;
        volatile int errors;
        final java.util.Map<String, Integer> errorKinds = new java.util.concurrent.ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        private ProbeLoop(HttpClient http, int[] ports, byte[] png, String probeId) {
            thread = new Thread(
                    () -> {
                        int n = 0;
                        while (running.get()) {
                            int port = ports[n++ % ports.length];
                            HttpRequest request = HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + port + "/v1/search?k=3"))
                                    .header("Content-Type", "image/png")
                                    .header("Authorization", "Bearer " + API_KEY)
                                    .timeout(Duration.ofSeconds(20))
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(png))
                                    .build();
                            try {
                                HttpResponse<String> response =
                                        http.send(request, HttpResponse.BodyHandlers.ofString());
                                classify(response, probeId);
                            } catch (IOException e) {
                                // connection refused while an instance is down: an explicit failure
                                errors++;
                                errorKinds.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                            } catch (InterruptedException e) {
                                return;
                            }
                            try {
                                Thread.sleep(200); // the probe's pace, not a wait for a result
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    },
                    "cluster-probe");
            thread.start();
        }

        static ProbeLoop start(HttpClient http, int[] ports, byte[] png, String probeId) {
            return new ProbeLoop(http, ports, png, probeId);
        }

        private void classify(HttpResponse<String> response, String probeId) throws IOException {
            if (response.statusCode() != 200) {
                errors++;
                errorKinds.merge("HTTP " + response.statusCode(), 1, Integer::sum);
                return;
            }
            JsonNode body = JSON.readTree(response.body());
            if (body.path("partial").asBoolean()) {
                if (body.path("missingShards").isEmpty()) {
                    silentFailures.add("partial without missing shards: " + body);
                }
                partial++;
                return;
            }
            JsonNode first = body.path("results").path(0);
            if (!probeId.equals(first.path("id").asText())) {
                silentFailures.add("complete answer without the probe first: " + body);
            }
            complete++;
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }

    private static ServeProcess startInstance(String bootstrap, Path dataDir, int port) throws Exception {
        return ServeProcess.start(
                dataDir,
                "port-" + port,
                TIMEOUT,
                List.of(
                        "--roles",
                        "embedder,index,api",
                        "--bootstrap-servers",
                        bootstrap,
                        "--data-dir",
                        dataDir.toString(),
                        "--api-host",
                        "127.0.0.1",
                        "--api-port",
                        Integer.toString(port),
                        "--topic-partitions",
                        Integer.toString(PARTITIONS),
                        "--topic-replication-factor",
                        "3",
                        "--group-session-timeout-ms",
                        "6000",
                        "--index-commit-interval-ms",
                        "100",
                        "--api-rate-limit",
                        "0", // the test checks 5,000 ids as fast as it can
                        "--api-keys-file",
                        dataDir.getParent().resolve("keys").toString()));
    }
}
