package io.dinostream.embedder.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.EmbeddedKafka;
import io.dinostream.common.kafka.KafkaClients;
import io.dinostream.common.kafka.KafkaSetup;
import io.dinostream.common.wire.DeadLetters;
import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.common.wire.Headers;
import io.dinostream.common.wire.Topics;
import io.dinostream.common.wire.VectorCodec;
import io.dinostream.embedder.ImageDecodeException;
import io.dinostream.embedder.image.ImageDecoder;
import io.dinostream.embedder.image.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker against a real in-process KRaft broker: good images become embeddings, a corrupt one a dead letter. */
class EmbedderWorkerKafkaTest {
    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static DinostreamConfig config;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        config = new DinostreamConfig(Map.of(
                DinostreamConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                DinostreamConfig.EMBEDDER_BATCH_SIZE, 2,
                DinostreamConfig.EMBEDDER_BATCH_LINGER_MS, 50));
        KafkaSetup.createTopics(config);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void embedsGoodImagesAndDeadLettersACorruptOne() throws Exception {
        int[] colours = {0xFF0000, 0x00FF00, 0x0000FF};
        Map<String, byte[]> images = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(KafkaClients.producer(config, "test-ingest"))) {
            for (int i = 0; i < colours.length; i++) {
                byte[] png = TestImages.solidPng(8, 6, colours[i]);
                images.put("good-" + i, png);
                producer.send(record("good-" + i, png, "test:" + i));
            }
            producer.send(record("corrupt-0", "definitely not a PNG".getBytes(StandardCharsets.UTF_8), "test:bad"));
            producer.flush();
        }

        MeanColourTestEmbedder embedder = new MeanColourTestEmbedder();
        Map<String, ConsumerRecord<byte[], byte[]>> embeddings = new HashMap<>();
        Map<String, ConsumerRecord<byte[], byte[]>> deadLetters = new HashMap<>();
        try (EmbedderWorker worker = EmbedderWorker.create(config, embedder);
                KafkaConsumer<byte[], byte[]> reader =
                        new KafkaConsumer<>(KafkaClients.consumer(config, "test-reader", "test-reader"))) {
            worker.start();
            reader.subscribe(List.of(Topics.EMBEDDINGS, Topics.DEAD_LETTERS));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while ((embeddings.size() < 3 || deadLetters.size() < 1) && System.nanoTime() < deadline) {
                assertTrue(
                        worker.failure().isEmpty(),
                        () -> "worker failed: " + worker.failure().get());
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(500))) {
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    (r.topic().equals(Topics.EMBEDDINGS) ? embeddings : deadLetters).put(key, r);
                }
            }
            assertEquals(3, embeddings.size(), "embeddings received: " + embeddings.keySet());
            assertEquals(1, deadLetters.size(), "dead letters received: " + deadLetters.keySet());
            // The counters move after the offset commit, which follows the sends the reader already saw.
            while ((worker.embeddedCount() < 3 || worker.deadLetteredCount() < 1) && System.nanoTime() < deadline) {
                Thread.sleep(5); // polling, bounded by the deadline
            }
            assertEquals(3, worker.embeddedCount());
            assertEquals(1, worker.deadLetteredCount());
        }

        ImageDecoder decoder = new ImageDecoder();
        for (int i = 0; i < colours.length; i++) {
            ConsumerRecord<byte[], byte[]> r = embeddings.get("good-" + i);
            assertArrayEquals(
                    MeanColourTestEmbedder.meanColour(decoder.decode(images.get("good-" + i))),
                    VectorCodec.decode(r.value()));
            assertEquals(MeanColourTestEmbedder.SPEC, EmbeddingSpec.readFrom(r.headers()));
            assertEquals(
                    "test:" + i, Headers.lastString(r.headers(), Headers.SOURCE).orElseThrow());
            assertEquals(
                    "{\"i\":1}",
                    Headers.lastString(r.headers(), Headers.METADATA).orElseThrow());
        }
        ConsumerRecord<byte[], byte[]> dead = deadLetters.get("corrupt-0");
        assertEquals(
                DeadLetters.STAGE_EMBEDDER,
                Headers.lastString(dead.headers(), Headers.DLQ_STAGE).orElseThrow());
        assertEquals(
                ImageDecodeException.class.getName(),
                Headers.lastString(dead.headers(), Headers.DLQ_ERROR_CLASS).orElseThrow());
        String reason = Headers.lastString(dead.headers(), Headers.DLQ_REASON).orElseThrow();
        assertTrue(reason.contains("unsupported image format"), reason);
        assertEquals(
                "test:bad", Headers.lastString(dead.headers(), Headers.SOURCE).orElseThrow());

        // The worker committed everything it handled: a new worker in the same group finds nothing to do.
        try (KafkaConsumer<byte[], byte[]> probe = new KafkaConsumer<>(EmbedderWorker.consumerConfig(config))) {
            var partitions = probe.partitionsFor(Topics.IMAGES).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition()))
                    .collect(java.util.stream.Collectors.toSet());
            long committed = probe.committed(partitions).values().stream()
                    .filter(java.util.Objects::nonNull)
                    .mapToLong(o -> o.offset())
                    .sum();
            long end = probe.endOffsets(partitions).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            assertEquals(4, end);
            assertEquals(end, committed, "committed offsets must cover every record");
        }
    }

    static ProducerRecord<byte[], byte[]> record(String id, byte[] value, String source) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Headers.SOURCE, source.getBytes(StandardCharsets.UTF_8));
        headers.add(Headers.INGEST_TIME, "1700000000000".getBytes(StandardCharsets.UTF_8));
        headers.add(Headers.METADATA, "{\"i\":1}".getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(Topics.IMAGES, null, id.getBytes(StandardCharsets.UTF_8), value, headers);
    }
}
