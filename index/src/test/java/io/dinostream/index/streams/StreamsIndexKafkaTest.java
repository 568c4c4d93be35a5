package io.dinostream.index.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.EmbeddedKafka;
import io.dinostream.common.kafka.KafkaSetup;
import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.common.wire.Headers;
import io.dinostream.common.wire.ModelLane;
import io.dinostream.common.wire.Topics;
import io.dinostream.common.wire.VectorCodec;
import io.dinostream.index.SearchFilter;
import io.dinostream.index.SearchHit;
import io.dinostream.index.SearchResult;
import io.dinostream.index.TestVectors;
import io.dinostream.index.vector.BruteForceVectorIndex;
import io.dinostream.index.vector.Neighbors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka Streams index against a real broker: two instances split three partitions (shards); the
 * union of their local answers is the exact answer, each reports the shards it lacks, the owners are
 * known by endpoint; when one leaves, the other takes over its shards (restored from the changelogs)
 * and answers completely; a restart on the same state directory keeps everything.
 */
class StreamsIndexKafkaTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int DIM = 8;
    private static final int IMAGES = 300;
    private static final EmbeddingSpec SPEC = new EmbeddingSpec("streams-test", "1", DIM, "cls", "l2");

    @Test
    void twoInstancesShareTheShardsAndOneTakesOverWhenTheOtherLeaves(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            DinostreamConfig config = new DinostreamConfig(Map.of(
                    DinostreamConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    DinostreamConfig.TOPIC_PARTITIONS, 3,
                    DinostreamConfig.DATA_DIR, dir.resolve("data").toString()));
            KafkaSetup.createTopics(config);
            float[][] vectors = produce(kafka.bootstrapServers());
            StreamsIndexOptions base = StreamsIndexOptions.fromConfig(config)
                    .withOverrides(Map.of(
                            "commit.interval.ms", 100,
                            "consumer.session.timeout.ms", 6000,
                            "consumer.heartbeat.interval.ms", 500,
                            "producer.transaction.timeout.ms", 10000));
            StreamsIndex a = StreamsIndex.start(
                    base.withStateDirectory(dir.resolve("a")).withAdvertisedEndpoint("localhost:7001"));
            StreamsIndex b = StreamsIndex.start(
                    base.withStateDirectory(dir.resolve("b")).withAdvertisedEndpoint("localhost:7002"));
            try {
                await("all records applied", () -> a.processedRecords() + b.processedRecords() >= 2 * IMAGES + 1);
                await("both running", () -> a.isRunning() && b.isRunning());
                assertEquals(1, a.deadLetteredRecords() + b.deadLetteredRecords(), "the one bad record");
                assertEquals(IMAGES, a.size() + b.size(), "every vector in exactly one shard");
                Set<Integer> union = new HashSet<>(a.localPartitions());
                union.addAll(b.localPartitions());
                assertEquals(Set.of(0, 1, 2), union);
                assertTrue(disjoint(a.localPartitions(), b.localPartitions()));
                Map<String, List<Integer>> owners = new HashMap<>();
                a.owners().forEach(o -> owners.put(o.endpoint(), o.partitions()));
                assertEquals(Set.of("localhost:7001", "localhost:7002"), owners.keySet());
                assertEquals(a.localPartitions(), owners.get("localhost:7001"));

                float[] query = vectors[11];
                SearchResult fromA = a.searchShards(query, 10, SearchFilter.NONE);
                SearchResult fromB = b.searchShards(query, 10, SearchFilter.NONE);
                assertEquals(b.localPartitions(), fromA.missingShards(), "A names the shards it lacks");
                assertEquals(a.localPartitions(), fromB.missingShards());
                List<SearchHit> merged = new ArrayList<>(fromA.hits());
                merged.addAll(fromB.hits());
                merged.sort(Comparator.comparingDouble(SearchHit::score).reversed());
                assertEquals(oracle(vectors, query, 10), ids(merged.subList(0, 10)));
                // Filters and look-ups on the instance that owns the image.
                StreamsIndex owner = a.localPartitions().contains(a.partitionOf("img-11")) ? a : b;
                assertEquals("{\"label\":2}", owner.get("img-11").orElseThrow().metadataJson());
                List<SearchHit> label = owner.search(query, 3, SearchFilter.metadata("label", "2"));
                assertTrue(label.stream().allMatch(h -> h.metadataJson().equals("{\"label\":2}")));
            } finally {
                b.close();
            }
            // B left the group: A takes over B's shards, restoring their stores from the changelogs.
            await("A owns every shard", () -> a.localPartitions().size() == 3 && a.isRunning());
            assertEquals(IMAGES, a.size());
            SearchResult complete = a.searchShards(vectors[3], 10, SearchFilter.NONE);
            assertFalse(complete.partial());
            assertEquals(oracle(vectors, vectors[3], 10), ids(complete.hits()));
            a.close();

            try (StreamsIndex restarted = StreamsIndex.start(
                    base.withStateDirectory(dir.resolve("a")).withAdvertisedEndpoint("localhost:7001"))) {
                await("restarted and running", restarted::isRunning);
                assertEquals(IMAGES, restarted.size());
                assertEquals(oracle(vectors, vectors[3], 10), ids(restarted.search(vectors[3], 10)));
            }
        }
    }

    @Test
    void aVersionLaneIsAnIndexOfItsOwnBesideTheDefaultOne(@TempDir Path dir) throws Exception {
        ModelLane lane = ModelLane.of("0123456789ab");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            DinostreamConfig config = new DinostreamConfig(Map.of(
                    DinostreamConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    DinostreamConfig.TOPIC_PARTITIONS, 2,
                    DinostreamConfig.DATA_DIR, dir.resolve("data").toString()));
            KafkaSetup.createTopics(config);
            KafkaSetup.createIfMissing(config, List.of(KafkaSetup.embeddingsTopic(config, lane)));
            float[][] vectors = produce(kafka.bootstrapServers());
            // The lane's model gives other vectors for the same images, under another version.
            EmbeddingSpec laneSpec = new EmbeddingSpec("streams-test", lane.version(), DIM, "cls", "l2");
            float[][] laneVectors = new float[IMAGES][];
            SplittableRandom random = new SplittableRandom(99);
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(producerProps(kafka.bootstrapServers()))) {
                for (int i = 0; i < IMAGES; i++) {
                    laneVectors[i] = unit(random);
                    producer.send(new ProducerRecord<>(
                            lane.embeddingsTopic(),
                            null,
                            ("img-" + i).getBytes(StandardCharsets.UTF_8),
                            VectorCodec.encode(laneVectors[i]),
                            laneSpec.toHeaders()));
                }
                producer.flush();
            }
            StreamsIndexOptions base =
                    StreamsIndexOptions.fromConfig(config).withOverrides(Map.of("commit.interval.ms", 100));
            assertEquals(
                    dir.resolve("data/streams-index-0123456789ab"),
                    base.forLane(lane).stateDirectory());
            try (StreamsIndex current = StreamsIndex.start(base);
                    StreamsIndex next = StreamsIndex.start(base.forLane(lane))) {
                await("both lanes applied", () -> current.size() == IMAGES && next.size() == IMAGES);
                for (int q : new int[] {3, 77, 250}) {
                    assertEquals(oracle(vectors, vectors[q], 10), ids(current.search(vectors[q], 10)));
                    assertEquals(oracle(laneVectors, laneVectors[q], 10), ids(next.search(laneVectors[q], 10)));
                }
                assertEquals(List.of(0, 1), next.owners().get(0).partitions(), "owners read the lane's topic");
                assertEquals("{\"label\":2}", next.get("img-11").orElseThrow().metadataJson(), "images joined in");
            }
        }
    }

    private static Map<String, Object> producerProps(String bootstrap) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    private static float[][] produce(String bootstrap) throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        SplittableRandom random = new SplittableRandom(21);
        float[][] vectors = new float[IMAGES][];
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < IMAGES; i++) {
                vectors[i] = unit(random);
                byte[] key = ("img-" + i).getBytes(StandardCharsets.UTF_8);
                RecordHeaders headers = new RecordHeaders();
                headers.add(Headers.METADATA, Headers.utf8("{\"label\":" + (i % 3) + "}"));
                producer.send(new ProducerRecord<>(Topics.IMAGES, null, key, new byte[] {1, 2, 3}, headers));
                producer.send(new ProducerRecord<>(
                        Topics.EMBEDDINGS, null, key, VectorCodec.encode(vectors[i]), SPEC.toHeaders()));
            }
            producer.send(new ProducerRecord<>(
                    Topics.EMBEDDINGS, null, "bad".getBytes(StandardCharsets.UTF_8), new byte[5], SPEC.toHeaders()));
            producer.flush();
        }
        return vectors;
    }

    private static List<String> oracle(float[][] vectors, float[] query, int k) {
        try (BruteForceVectorIndex oracle = new BruteForceVectorIndex(DIM)) {
            for (int i = 0; i < vectors.length; i++) {
                oracle.upsert(new long[] {i}, new float[][] {vectors[i]});
            }
            Neighbors n = oracle.search(query, k).get(0);
            List<String> ids = new ArrayList<>();
            for (long id : n.ids()) {
                ids.add("img-" + id);
            }
            return ids;
        }
    }

    private static List<String> ids(List<SearchHit> hits) {
        return hits.stream().map(SearchHit::id).toList();
    }

    private static boolean disjoint(List<Integer> a, List<Integer> b) {
        Set<Integer> both = new HashSet<>(a);
        both.retainAll(b);
        return both.isEmpty();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(100);
        }
    }

    private static float[] unit(SplittableRandom random) {
        return TestVectors.unit(random, DIM);
    }
}
