package io.dinostream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dinostream.app.roles.IndexRole;
import io.dinostream.app.roles.Node;
import io.dinostream.app.roles.Role;
import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.EmbeddedKafka;
import io.dinostream.common.kafka.KafkaClients;
import io.dinostream.common.wire.Headers;
import io.dinostream.common.wire.Topics;
import io.dinostream.index.ImageIndexReader;
import io.dinostream.index.SearchHit;
import io.dinostream.ingest.FashionMnist;
import io.dinostream.ingest.ImagePublisher;
import io.dinostream.ingest.Ingestor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on real parts: an in-process KRaft broker, the embedder role running the DJL model,
 * the index role on RocksDB and our FAISS binding, and the Vert.x API, fed with 1,000 Fashion-MNIST images;
 * the web page is driven in headless Chromium ({@link WebPageCheck}).
 */
class EndToEndTest {
    private static final int IMAGES = 1_000;
    private static final String API_KEY = "end-to-end-test-key-0123456789";
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    @Test
    void imagesFlowFromKafkaToSearchAndSurviveAnIndexRestart(@TempDir Path dir) throws Exception {
        FashionMnist fmnist = FashionMnist.load(FashionMnist.DEFAULT_DIR, "test");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            Map<String, Object> values = new HashMap<>();
            values.put(DinostreamConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            values.put(DinostreamConfig.DATA_DIR, dir.resolve("data").toString());
            values.put(DinostreamConfig.API_PORT, 0);
            java.nio.file.Files.writeString(dir.resolve("keys"), "e2e:admin:" + API_KEY + "\n");
            values.put(DinostreamConfig.API_KEYS_FILE, dir.resolve("keys").toString());
            DinostreamConfig config = new DinostreamConfig(values);

            List<SearchHit> before;
            String queryId = fmnist.id(123);
            try (Node node = Node.start(config, EnumSet.allOf(Role.class))) {
                IndexRole role = node.indexRole().orElseThrow();
                ImageIndexReader index = node.index().orElseThrow();
                Ingestor.Report first;
                Ingestor.Report second;
                try (ImagePublisher publisher = new ImagePublisher(config, Clock.systemUTC())) {
                    Ingestor ingestor = new Ingestor(publisher, config.imageMaxBytes());
                    first = ingestor.ingest(fmnist.candidates(IMAGES / 2), n -> {});
                    publishCorruptImage(config);
                    second = ingestor.ingest(fmnist.candidates(IMAGES).subList(IMAGES / 2, IMAGES), n -> {});
                }
                assertEquals(IMAGES, first.published() + second.published());

                Await.until(IMAGES + " images indexed", TIMEOUT, () -> {
                    assertFalse(role.failure().isPresent(), () -> "index failed: " + role.failure());
                    return index.size() >= IMAGES;
                });
                assertEquals(IMAGES, index.size(), "the corrupt record must not be indexed");

                HttpResponse<String> ready = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                                + node.apiPort().orElseThrow() + "/ready"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertEquals(200, ready.statusCode(), ready.body());
                JsonNode checks = new ObjectMapper().readTree(ready.body()).path("checks");
                for (String check : List.of("kafka", "index", "model", "embedder")) {
                    assertTrue(checks.path(check).asBoolean(), check + " ready: " + ready.body());
                }

                JsonNode answer = searchByUpload(node.apiPort().orElseThrow(), fmnist.png(123), 10);
                HttpResponse<String> metrics = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                                + node.apiPort().orElseThrow() + "/metrics"))
                                        .header("Authorization", "Bearer " + API_KEY)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertEquals(200, metrics.statusCode());
                for (String meter : List.of(
                        "dinostream_http_requests_seconds_bucket{method=\"POST\",route=\"/v1/search\",status=\"200\"",
                        "dinostream_calls_seconds_count{kind=\"embed\"}",
                        "dinostream_index_vectors " + IMAGES,
                        "dinostream_freshness_ms{quantile=\"0.99\"}",
                        "dinostream_index_consumer_lag_records",
                        "dinostream_embedder_embedded")) {
                    assertTrue(metrics.body().contains(meter), meter + " in:\n" + metrics.body());
                }
                JsonNode top = answer.path("results").get(0);
                assertEquals(queryId, top.path("id").asText(), answer.toString());
                assertTrue(top.path("score").asDouble() >= 0.999, "cosine of an image with itself: " + top);
                assertEquals(
                        fmnist.label(123), top.path("metadata").path("label").asInt());

                ConsumerRecord<byte[], byte[]> deadLetter = awaitDeadLetter(config, "corrupt-image");
                assertEquals(
                        "embedder",
                        Headers.lastString(deadLetter.headers(), Headers.DLQ_STAGE)
                                .orElseThrow());
                assertFalse(Headers.lastString(deadLetter.headers(), Headers.DLQ_REASON)
                        .orElseThrow()
                        .isBlank());
                assertEquals(
                        Topics.IMAGES,
                        Headers.lastString(deadLetter.headers(), Headers.DLQ_ORIGINAL_TOPIC)
                                .orElseThrow());

                // The ingest role: an upload over HTTP goes through Kafka and becomes searchable.
                FashionMnist train = FashionMnist.load(FashionMnist.DEFAULT_DIR, "train");
                int status = putImage(node.apiPort().orElseThrow(), "uploaded-1", train.png(7), "{\"label\":99}");
                assertEquals(202, status);
                Await.until("the uploaded image indexed", TIMEOUT, () -> index.size() == IMAGES + 1);
                JsonNode uploaded = searchByUpload(node.apiPort().orElseThrow(), train.png(7), 1);
                assertEquals(
                        "uploaded-1", uploaded.path("results").get(0).path("id").asText(), uploaded.toString());
                assertEquals(
                        99,
                        uploaded.path("results")
                                .get(0)
                                .path("metadata")
                                .path("label")
                                .asInt());

                // The web page, in headless Chromium: the same upload shows the same image first.
                Path queryFile = dir.resolve("query.png");
                java.nio.file.Files.write(queryFile, fmnist.png(123));
                WebPageCheck.uploadAndSeeItFirst(
                        node.apiPort().orElseThrow(), API_KEY, queryFile, queryId, IMAGES + 1, 1);

                float[] queryVector = index.get(queryId).orElseThrow().vector();
                before = index.search(queryVector, 10);
            }

            // Restart the index role alone on the same RocksDB directory: same count, same answers.
            try (Node restarted = Node.start(config, EnumSet.of(Role.INDEX))) {
                ImageIndexReader index = restarted.index().orElseThrow();
                assertEquals(IMAGES + 1, index.size());
                List<SearchHit> after =
                        index.search(index.get(queryId).orElseThrow().vector(), 10);
                assertEquals(ids(before), ids(after));
                for (int i = 0; i < before.size(); i++) {
                    assertEquals(before.get(i).score(), after.get(i).score(), 1e-6f);
                }
            }
        }
    }

    private static void publishCorruptImage(DinostreamConfig config) throws Exception {
        // PNG magic bytes followed by garbage: passes a magic-byte check, fails decoding in the embedder.
        byte[] corrupt = new byte[300];
        System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}, 0, corrupt, 0, 8);
        for (int i = 8; i < corrupt.length; i++) {
            corrupt[i] = (byte) (i * 31);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config, "corrupt"))) {
            producer.send(new ProducerRecord<>(
                            Topics.IMAGES, "corrupt-image".getBytes(StandardCharsets.UTF_8), corrupt))
                    .get();
        }
    }

    private static ConsumerRecord<byte[], byte[]> awaitDeadLetter(DinostreamConfig config, String key)
            throws Exception {
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(KafkaClients.consumer(config, "e2e-dlq-reader", "e2e-dlq-reader"))) {
            consumer.subscribe(List.of(Topics.DEAD_LETTERS));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(new String(record.key(), StandardCharsets.UTF_8))) {
                        return record;
                    }
                }
            }
        }
        throw new AssertionError("no dead letter for " + key);
    }

    private static JsonNode searchByUpload(int port, byte[] image, int k) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/search?k=" + k))
                .header("Content-Type", "image/png")
                .header("Authorization", "Bearer " + API_KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(image))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return new ObjectMapper().readTree(response.body());
    }

    private static int putImage(int port, String id, byte[] image, String metadata) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/images/" + id))
                .header("Content-Type", "image/png")
                .header("X-Dinostream-Metadata", metadata)
                .header("X-Api-Key", API_KEY)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(image))
                .build();
        return HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private static List<String> ids(List<SearchHit> hits) {
        List<String> ids = new ArrayList<>();
        hits.forEach(hit -> ids.add(hit.id()));
        return ids;
    }
}
