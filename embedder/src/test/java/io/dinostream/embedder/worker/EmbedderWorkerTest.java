package io.dinostream.embedder.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.wire.DeadLetters;
import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.common.wire.Headers;
import io.dinostream.common.wire.Topics;
import io.dinostream.common.wire.VectorCodec;
import io.dinostream.embedder.ImageDecodeException;
import io.dinostream.embedder.image.ImageDecoder;
import io.dinostream.embedder.image.TestImages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The worker's record handling, driven step by step over MockConsumer/MockProducer (no broker, no threads). */
class EmbedderWorkerTest {
    static final TopicPartition TP = new TopicPartition(Topics.IMAGES, 0);

    final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    final MeanColourTestEmbedder embedder = new MeanColourTestEmbedder();
    long nextOffset;

    EmbedderWorker worker(int batchSize, Duration linger) {
        EmbedderWorker worker = new EmbedderWorker(consumer, producer, embedder, batchSize, linger);
        worker.subscribe();
        consumer.rebalance(List.of(TP));
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        return worker;
    }

    void add(String key, byte[] value, String... headers) {
        RecordHeaders h = new RecordHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        consumer.addRecord(new ConsumerRecord<>(
                Topics.IMAGES,
                0,
                nextOffset++,
                0L,
                TimestampType.CREATE_TIME,
                -1,
                -1,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value,
                h,
                Optional.empty()));
    }

    static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return Headers.lastString(record.headers(), name).orElse(null);
    }

    long committed() {
        var offsets = consumer.committed(Set.of(TP));
        return offsets.get(TP) == null ? -1 : offsets.get(TP).offset();
    }

    @Test
    void routesImagesDeletesAndBadRecords() {
        EmbedderWorker worker = worker(16, Duration.ZERO);
        byte[] red = TestImages.solidPng(4, 4, 0xFF0000);
        add(
                "img-1",
                red,
                Headers.SOURCE,
                "file:/a.png",
                Headers.INGEST_TIME,
                "1700000000000",
                Headers.METADATA,
                "{\"label\":3}",
                Headers.CONTENT_TYPE,
                "image/png");
        add("img-2", null, Headers.SOURCE, "file:/a.png");
        add("../etc/passwd", red);
        add(null, red);
        add("img-3", "not an image".getBytes(StandardCharsets.UTF_8), Headers.SOURCE, "upload");
        worker.pollOnce();

        List<ProducerRecord<byte[], byte[]>> sent = producer.history();
        assertEquals(5, sent.size());
        assertEquals(1, worker.embeddedCount());
        assertEquals(1, worker.deleteCount());
        assertEquals(3, worker.deadLetteredCount());
        assertEquals(5, worker.processedCount());
        assertEquals(5, committed());

        ProducerRecord<byte[], byte[]> embedding = sent.stream()
                .filter(r -> r.topic().equals(Topics.EMBEDDINGS) && r.value() != null)
                .findFirst()
                .orElseThrow();
        assertEquals("img-1", new String(embedding.key(), StandardCharsets.UTF_8));
        assertArrayEquals(
                MeanColourTestEmbedder.meanColour(new ImageDecoder().decode(red)),
                VectorCodec.decode(embedding.value()));
        assertEquals("file:/a.png", header(embedding, Headers.SOURCE));
        assertEquals("1700000000000", header(embedding, Headers.INGEST_TIME));
        assertEquals("{\"label\":3}", header(embedding, Headers.METADATA));
        assertNull(header(embedding, Headers.CONTENT_TYPE), "content-type describes the image, not the vector");
        assertEquals(MeanColourTestEmbedder.SPEC, EmbeddingSpec.readFrom(embedding.headers()));

        ProducerRecord<byte[], byte[]> delete = sent.stream()
                .filter(r -> r.topic().equals(Topics.EMBEDDINGS) && r.value() == null)
                .findFirst()
                .orElseThrow();
        assertEquals("img-2", new String(delete.key(), StandardCharsets.UTF_8));
        assertEquals("file:/a.png", header(delete, Headers.SOURCE));

        List<ProducerRecord<byte[], byte[]>> dead =
                sent.stream().filter(r -> r.topic().equals(Topics.DEAD_LETTERS)).toList();
        assertEquals(3, dead.size());
        for (ProducerRecord<byte[], byte[]> d : dead) {
            assertEquals(DeadLetters.STAGE_EMBEDDER, header(d, Headers.DLQ_STAGE));
            assertEquals(Topics.IMAGES, header(d, Headers.DLQ_ORIGINAL_TOPIC));
        }
        assertEquals(InvalidImageIdException.class.getName(), header(dead.get(0), Headers.DLQ_ERROR_CLASS));
        assertTrue(header(dead.get(0), Headers.DLQ_REASON).contains("invalid image id"));
        assertTrue(header(dead.get(1), Headers.DLQ_REASON).contains("missing record key"));
        assertEquals(ImageDecodeException.class.getName(), header(dead.get(2), Headers.DLQ_ERROR_CLASS));
        assertTrue(header(dead.get(2), Headers.DLQ_REASON).contains("unsupported image format"));
        assertEquals("4", header(dead.get(2), Headers.DLQ_ORIGINAL_OFFSET));
        assertArrayEquals(
                "not an image".getBytes(StandardCharsets.UTF_8), dead.get(2).value());
        worker.close();
    }

    @Test
    void batchesAreBoundedBySize() {
        EmbedderWorker worker = worker(2, Duration.ZERO);
        for (int i = 0; i < 5; i++) {
            add("img-" + i, TestImages.solidPng(2, 2, 0x102030 * i));
        }
        worker.pollOnce();
        assertEquals(List.of(2, 2, 1), embedder.batchSizes);
        assertEquals(3, worker.batchCount());
        assertEquals(5, committed());
        worker.close();
    }

    @Test
    void partialBatchWaitsForLingerThenFinishes() {
        EmbedderWorker worker = worker(2, Duration.ofHours(1));
        for (int i = 0; i < 3; i++) {
            add("img-" + i, TestImages.solidPng(2, 2, 0x00FF00));
        }
        worker.pollOnce();
        assertEquals(List.of(2), embedder.batchSizes, "the full batch runs at once, the third image lingers");
        assertEquals(2, committed());
        worker.finishPending();
        assertEquals(List.of(2, 1), embedder.batchSizes);
        assertEquals(3, committed());
        worker.close();
    }

    @Test
    void engineFailureCommitsNothing() {
        EmbedderWorker worker = worker(4, Duration.ZERO);
        add("img-1", TestImages.solidPng(2, 2, 0));
        RuntimeException boom = new IllegalStateException("engine exploded");
        embedder.failWith = boom;
        assertSame(boom, assertThrows(IllegalStateException.class, worker::pollOnce));
        assertEquals(-1, committed());
        assertTrue(producer.history().isEmpty());
        worker.close();
    }

    @Test
    void threadStopsOnEngineFailureAndClosesClients() throws InterruptedException {
        EmbedderWorker worker = new EmbedderWorker(consumer, producer, embedder, 4, Duration.ZERO);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(TP));
            consumer.updateBeginningOffsets(Map.of(TP, 0L));
            add("img-1", TestImages.solidPng(2, 2, 0));
        });
        embedder.failWith = new IllegalStateException("engine exploded");
        worker.start();
        assertTrue(worker.name().startsWith("dinostream-embedder-"));
        assertTrue(worker.awaitTermination(Duration.ofSeconds(30)), "worker thread did not stop");
        assertEquals("engine exploded", worker.failure().orElseThrow().getMessage());
        assertFalse(worker.isRunning());
        assertTrue(consumer.closed());
        assertTrue(producer.closed());
        assertTrue(producer.history().isEmpty(), "nothing produced, so nothing could have been committed");
        worker.close();
        worker.close(); // idempotent
        assertFalse(embedder.closed, "the worker does not own the embedder");
    }

    @Test
    void closeStopsARunningWorkerAndIsIdempotent() throws InterruptedException {
        EmbedderWorker worker = new EmbedderWorker(consumer, producer, embedder, 4, Duration.ZERO);
        worker.start();
        assertThrows(IllegalStateException.class, worker::start);
        worker.close();
        assertTrue(worker.awaitTermination(Duration.ofSeconds(1)));
        assertTrue(consumer.closed());
        assertTrue(producer.closed());
        assertTrue(worker.failure().isEmpty());
        worker.close();
        assertThrows(IllegalStateException.class, worker::start);
    }

    @Test
    void clientConfigIsSizedForImages() {
        DinostreamConfig config = new DinostreamConfig(Map.of(
                DinostreamConfig.BOOTSTRAP_SERVERS,
                "127.0.0.1:9",
                DinostreamConfig.IMAGE_MAX_BYTES,
                20 * 1024 * 1024,
                DinostreamConfig.EMBEDDER_BATCH_SIZE,
                8));
        Map<String, Object> c = EmbedderWorker.consumerConfig(config);
        assertEquals(false, c.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG));
        assertEquals(EmbedderWorker.GROUP_ID, c.get(ConsumerConfig.GROUP_ID_CONFIG));
        assertEquals(8, c.get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG));
        assertTrue((Integer) c.get(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG) > 20 * 1024 * 1024);
        assertTrue((Integer) c.get(ConsumerConfig.FETCH_MAX_BYTES_CONFIG) > 20 * 1024 * 1024);
        Map<String, Object> p = EmbedderWorker.producerConfig(config);
        assertEquals("all", p.get(ProducerConfig.ACKS_CONFIG));
        assertEquals(true, p.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
        assertTrue((Integer) p.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG) > 20 * 1024 * 1024);
        assertTrue((Long) p.get(ProducerConfig.BUFFER_MEMORY_CONFIG)
                >= (Integer) p.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
        assertThrows(
                IllegalArgumentException.class,
                () -> EmbedderWorker.consumerConfig(new DinostreamConfig(Map.of())),
                "an empty bootstrap.servers is refused");
    }
}
