package io.dinostream.index.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.EmbeddedKafka;
import io.dinostream.common.kafka.KafkaSetup;
import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.common.wire.Headers;
import io.dinostream.common.wire.Topics;
import io.dinostream.common.wire.VectorCodec;
import io.dinostream.index.SearchFilter;
import io.dinostream.index.SearchHit;
import io.dinostream.index.StoredImage;
import io.dinostream.index.TestVectors;
import io.dinostream.index.vector.BruteForceVectorIndex;
import io.dinostream.index.vector.Neighbors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index worker against a real in-process KRaft broker: indexing, search equal to exact brute force,
 * dead letters with reasons, a tombstone, and a restart on the same RocksDB directory.
 */
class IndexWorkerKafkaTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int DIM = 8;
    private static final int IMAGES = 40;
    private static final EmbeddingSpec SPEC = new EmbeddingSpec("vit-tiny-demo", "test-1", DIM, "cls", "l2");
    /** A PNG signature followed by filler: enough for the content-type sniffing. */
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13};

    private static EmbeddedKafka kafka;
    private static DinostreamConfig config;

    @BeforeAll
    static void startBroker(@TempDir Path brokerDir) {
        kafka = EmbeddedKafka.start(brokerDir);
        config = new DinostreamConfig(Map.of(
                DinostreamConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(), DinostreamConfig.TOPIC_PARTITIONS, 2));
        KafkaSetup.createTopics(config);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void indexesDeadLettersDeletesAndRestartsFromTheStore(@TempDir Path dataDir) throws Exception {
        IndexWorkerOptions options = IndexWorkerOptions.fromConfig(config)
                .withStoreDirectory(dataDir.resolve("index"))
                .withFaissThreads(1);
        SplittableRandom random = new SplittableRandom(7);
        float[][] vectors = new float[IMAGES][];
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 0; i < IMAGES; i++) {
                vectors[i] = unit(random);
                String id = "img-" + i;
                RecordHeaders imageHeaders = new RecordHeaders();
                imageHeaders.add(Headers.METADATA, Headers.utf8("{\"label\":" + (i % 3) + "}"));
                imageHeaders.add(Headers.SOURCE, Headers.utf8("test:" + i));
                imageHeaders.add(Headers.INGEST_TIME, Headers.utf8(Long.toString(1_000L + i)));
                producer.send(new ProducerRecord<>(Topics.IMAGES, null, key(id), PNG, imageHeaders));
                producer.send(new ProducerRecord<>(
                        Topics.EMBEDDINGS, null, key(id), VectorCodec.encode(vectors[i]), SPEC.toHeaders()));
            }
            // Three records the index must reject, each for another reason.
            producer.send(new ProducerRecord<>(Topics.EMBEDDINGS, null, key("bad-1"), new byte[7], SPEC.toHeaders()));
            EmbeddingSpec other = new EmbeddingSpec("other-model", "test-1", DIM, "cls", "l2");
            producer.send(new ProducerRecord<>(
                    Topics.EMBEDDINGS, null, key("other-space"), VectorCodec.encode(unit(random)), other.toHeaders()));
            producer.send(new ProducerRecord<>(
                    Topics.EMBEDDINGS, null, key("../escape"), VectorCodec.encode(unit(random)), SPEC.toHeaders()));
            producer.flush();
        }
        int produced = 2 * IMAGES + 3;

        List<SearchHit> before;
        float[] query = vectors[5];
        try (IndexWorker worker = IndexWorker.start(options)) {
            Await.until("all records applied", WAIT, () -> failed(worker) || worker.processedRecords() >= produced);
            assertTrue(worker.failure().isEmpty(), () -> "worker failed: " + worker.failure());
            assertEquals(IMAGES, worker.size());
            assertEquals(3, worker.deadLetteredRecords());

            before = worker.search(query, 5);
            assertEquals(5, before.size());
            assertEquals("img-5", before.get(0).id());
            assertEquals(1f, before.get(0).score(), 1e-5f);
            assertEquals("{\"label\":2}", before.get(0).metadataJson());
            assertMatchesBruteForce(vectors, query, before);

            // Filters. A common label: FAISS results post-filtered, equal to brute force over that label.
            long scans = worker.filteredScans();
            List<SearchHit> label1 = worker.search(query, 5, SearchFilter.metadata("label", "1"));
            assertEquals(bruteForceIds(vectors, query, 5, i -> i % 3 == 1), ids(label1));
            assertEquals(scans, worker.filteredScans(), "no scan needed for a common label");
            // One image of forty, k = 1: not among FAISS's 10 over-fetched neighbours, so an exact scan answers.
            List<SearchHit> one = worker.search(query, 1, SearchFilter.fromSource("test:17"));
            assertEquals(List.of("img-17"), ids(one));
            assertEquals(scans + 1, worker.filteredScans(), "a very selective filter falls back to a scan");
            // A time window [1010, 1020) holds img-10 .. img-19.
            List<SearchHit> window = worker.search(query, 40, SearchFilter.ingestedBetween(1_010, 1_020));
            assertEquals(bruteForceIds(vectors, query, 40, i -> i >= 10 && i < 20), ids(window));
            assertEquals(List.of(), worker.search(query, 3, SearchFilter.metadata("label", "7")));

            StoredImage stored = worker.get("img-5").orElseThrow();
            assertEquals("image/png", stored.contentType());
            assertArrayEquals(PNG, stored.bytes());
            assertEquals("test:5", stored.source());
            assertEquals(1_005L, stored.ingestTimeMillis());
            assertArrayEquals(vectors[5], stored.vector());

            Map<String, String> reasons = deadLetterReasons(3);
            assertTrue(reasons.get("bad-1").contains("multiple of 4"), reasons.toString());
            assertTrue(reasons.get("other-space").contains("differs from the index's"), reasons.toString());
            assertTrue(reasons.get("../escape").contains("invalid image id"), reasons.toString());

            // A tombstone on the images topic deletes everything about the image.
            try (KafkaProducer<byte[], byte[]> producer = producer()) {
                producer.send(new ProducerRecord<>(Topics.IMAGES, key("img-5"), null))
                        .get();
            }
            Await.until("tombstone applied", WAIT, () -> failed(worker) || worker.size() == IMAGES - 1);
            assertTrue(worker.get("img-5").isEmpty());
            before = worker.search(query, 5);
            assertTrue(before.stream().noneMatch(hit -> hit.id().equals("img-5")));
        }

        try (IndexWorker restarted = IndexWorker.start(options)) {
            // Loaded from the snapshot the clean close took, before consuming anything.
            assertTrue(restarted.startedFromSnapshot());
            assertEquals(0, restarted.replayedChangesAtStart());
            assertEquals(IMAGES - 1, restarted.size());
            assertEquals(before, restarted.search(query, 5));
            // It resumes after the stored offsets: one new record is the only one it applies.
            try (KafkaProducer<byte[], byte[]> producer = producer()) {
                producer.send(new ProducerRecord<>(
                                Topics.EMBEDDINGS, null, key("img-new"), VectorCodec.encode(query), SPEC.toHeaders()))
                        .get();
            }
            Await.until("new record applied", WAIT, () -> failed(restarted) || restarted.processedRecords() >= 1);
            assertTrue(restarted.failure().isEmpty(), () -> "worker failed: " + restarted.failure());
            assertEquals(1, restarted.processedRecords());
            assertEquals(IMAGES, restarted.size());
            assertEquals("img-new", restarted.search(query, 1).get(0).id());
        }
    }

    private static boolean failed(IndexWorker worker) {
        return worker.failure().isPresent();
    }

    private static void assertMatchesBruteForce(float[][] vectors, float[] query, List<SearchHit> hits) {
        try (BruteForceVectorIndex oracle = new BruteForceVectorIndex(DIM)) {
            long[] ids = new long[vectors.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = i;
            }
            oracle.upsert(ids, vectors);
            Neighbors expected = oracle.search(query, hits.size()).get(0);
            for (int r = 0; r < hits.size(); r++) {
                assertEquals("img-" + expected.id(r), hits.get(r).id(), "rank " + r);
                assertEquals(expected.score(r), hits.get(r).score(), 1e-5f, "rank " + r);
            }
        }
    }

    private static Map<String, String> deadLetterReasons(int expected) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "index-test-dlq-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Map<String, String> reasons = new HashMap<>();
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(Topics.DEAD_LETTERS));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (all.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        assertEquals(expected, all.size(), "dead letters");
        for (ConsumerRecord<byte[], byte[]> record : all) {
            assertEquals(
                    "index",
                    Headers.lastString(record.headers(), Headers.DLQ_STAGE).orElseThrow());
            assertEquals(
                    Topics.EMBEDDINGS,
                    Headers.lastString(record.headers(), Headers.DLQ_ORIGINAL_TOPIC)
                            .orElseThrow());
            String reason =
                    Headers.lastString(record.headers(), Headers.DLQ_REASON).orElseThrow();
            assertNotNull(record.key());
            reasons.put(new String(record.key(), StandardCharsets.UTF_8), reason);
        }
        return reasons;
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props);
    }

    private static byte[] key(String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    private static float[] unit(SplittableRandom random) {
        return TestVectors.unit(random, DIM);
    }

    private static List<String> ids(List<SearchHit> hits) {
        return hits.stream().map(SearchHit::id).toList();
    }

    /** The ids of the k best vectors among those whose index passes {@code keep}, by exact inner product. */
    private static List<String> bruteForceIds(
            float[][] vectors, float[] query, int k, java.util.function.IntPredicate keep) {
        return java.util.stream.IntStream.range(0, vectors.length)
                .filter(keep)
                .boxed()
                .sorted(java.util.Comparator.comparingDouble((Integer i) -> -dot(vectors[i], query)))
                .limit(k)
                .map(i -> "img-" + i)
                .toList();
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
