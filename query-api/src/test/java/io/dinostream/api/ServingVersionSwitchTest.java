package io.dinostream.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.embedder.EmbedOutcome;
import io.dinostream.embedder.ImageEmbedder;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The API's half of a model swap: while the serving pair flips between versions A and B as fast as it
 * can, concurrent searches all succeed and each answer comes wholly from one version: the model it names
 * is the model of the index its hits come from.
 */
class ServingVersionSwitchTest {
    @Test
    void noAnswerMixesVersionsWhileTheServingPairFlips() throws Exception {
        ServingVersion.Pair a = new ServingVersion.Pair(new SpecOnly("A"), index("a-"));
        ServingVersion.Pair b = new ServingVersion.Pair(new SpecOnly("B"), index("b-"));
        ServingVersion serving = new ServingVersion(a.embedder(), a.index());
        ApiServices services = new ApiServices(
                a.embedder(),
                a.index(),
                null,
                Readiness.NONE,
                new io.dinostream.api.metrics.ApiMetrics(),
                PipelineStatus.NONE,
                null,
                serving);
        Vertx vertx = Vertx.vertx();
        ApiServer server = ApiServer.create(vertx, new ApiServerOptions("127.0.0.1", 0, 4, 1024), services);
        int port = server.start().await();
        AtomicBoolean flipping = new AtomicBoolean(true);
        AtomicInteger flips = new AtomicInteger();
        Thread flipper = new Thread(() -> {
            while (flipping.get()) {
                serving.switchTo(flips.incrementAndGet() % 2 == 0 ? a : b);
                Thread.onSpinWait();
            }
        });
        HttpClient http = HttpClient.newHttpClient();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            flipper.start();
            ConcurrentHashMap<String, AtomicInteger> answersByVersion = new ConcurrentHashMap<>();
            List<Future<?>> runs = new java.util.ArrayList<>();
            for (int c = 0; c < 4; c++) {
                runs.add(clients.submit(() -> {
                    for (int q = 0; q < 150; q++) {
                        HttpResponse<String> response = http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/search?k=3"))
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString("{\"vector\": [1, 0, 0]}"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        assertEquals(200, response.statusCode(), response.body());
                        JsonObject body = new JsonObject(response.body());
                        String version = body.getJsonObject("model").getString("version");
                        JsonArray results = body.getJsonArray("results");
                        assertEquals(3, results.size());
                        String prefix = version.equals("A") ? "a-" : "b-";
                        for (int r = 0; r < results.size(); r++) {
                            String id = results.getJsonObject(r).getString("id");
                            assertTrue(id.startsWith(prefix), "model " + version + " answered with " + id);
                        }
                        answersByVersion
                                .computeIfAbsent(version, v -> new AtomicInteger())
                                .incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
            assertEquals(
                    600,
                    answersByVersion.values().stream()
                            .mapToInt(AtomicInteger::get)
                            .sum());
            assertTrue(
                    answersByVersion.keySet().containsAll(List.of("A", "B")),
                    "both versions served: " + answersByVersion);
            assertTrue(flips.get() > 100, "the pair flipped " + flips + " times");
        } finally {
            flipping.set(false);
            flipper.join();
            clients.shutdownNow();
            server.close().await();
            vertx.close().await();
        }
    }

    private static InMemoryIndexReaderDouble index(String prefix) {
        InMemoryIndexReaderDouble index = new InMemoryIndexReaderDouble(3);
        for (int i = 0; i < 5; i++) {
            index.put(ApiServerTest.stored(prefix + i, new float[] {1, 0.1f * i, 0}, "{}"));
        }
        return index;
    }

    /** TEST DOUBLE: a model known by its spec only (JSON vector queries never call it to embed). */
    private record SpecOnly(String version) implements ImageEmbedder {
        @Override
        public EmbeddingSpec spec() {
            return new EmbeddingSpec("swap-test", version, 3, "cls", "l2");
        }

        @Override
        public List<EmbedOutcome> embed(List<byte[]> images) {
            throw new UnsupportedOperationException("JSON vector queries do not embed");
        }

        @Override
        public void close() {}
    }
}
