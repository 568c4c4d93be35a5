package io.dinostream.index.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.common.wire.Headers;
import io.dinostream.common.wire.Topics;
import io.dinostream.common.wire.VectorCodec;
import io.dinostream.index.TestVectors;
import io.dinostream.index.store.IndexFormat;
import io.dinostream.index.store.IndexStore;
import io.dinostream.index.vector.BruteForceVectorIndex;
import io.dinostream.index.vector.Neighbors;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The index topology under {@link TopologyTestDriver} (one task, partition 0): records land in the
 * stores in the {@link IndexFormat} layout, the shard answers like the exact oracle, deletes reach both,
 * bad records go to the dead-letter topic with a reason while processing goes on, and a re-created task
 * rebuilds its shard from the stores.
 */
class IndexTopologyTest {
    private static final int DIM = 8;
    private static final EmbeddingSpec SPEC = new EmbeddingSpec("topology-test", "1", DIM, "cls", "l2");
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13};

    private TopologyTestDriver driver;
    private ShardRegistry shards;
    private TestInputTopic<byte[], byte[]> images;
    private TestInputTopic<byte[], byte[]> embeddings;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void start() {
        shards = new ShardRegistry();
        StreamsBuilder builder = new StreamsBuilder();
        IndexTopology.build(builder, new IndexTopology.Options(1024, "Flat", 1000), shards);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "index-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(builder.build(), props);
        images = driver.createInputTopic(Topics.IMAGES, new ByteArraySerializer(), new ByteArraySerializer());
        embeddings = driver.createInputTopic(Topics.EMBEDDINGS, new ByteArraySerializer(), new ByteArraySerializer());
        deadLetters =
                driver.createOutputTopic(Topics.DEAD_LETTERS, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void indexesSearchesAndDeletes() {
        SplittableRandom random = new SplittableRandom(9);
        float[][] vectors = new float[30][];
        for (int i = 0; i < 30; i++) {
            vectors[i] = unit(random);
            RecordHeaders headers = new RecordHeaders();
            headers.add(Headers.METADATA, Headers.utf8("{\"label\":" + (i % 3) + "}"));
            images.pipeInput(new TestRecord<>(key("img-" + i), PNG, headers));
            embeddings.pipeInput(new TestRecord<>(key("img-" + i), VectorCodec.encode(vectors[i]), SPEC.toHeaders()));
        }
        assertTrue(deadLetters.isEmpty());
        Shard shard = shards.shards().get(0);
        assertEquals(List.of(0), shards.partitions());
        assertEquals(30, shard.size());

        float[] query = vectors[4];
        List<Shard.Hit> hits = shard.search(query, 5);
        assertEquals("img-4", hits.get(0).imageId());
        assertOracle(vectors, query, hits);

        KeyValueStore<Bytes, byte[]> images = driver.getKeyValueStore(IndexTopology.IMAGES_STORE);
        IndexFormat.StoredBlob blob = IndexFormat.decodeImage(images.get(Bytes.wrap(key("img-4"))));
        assertEquals("image/png", blob.contentType());
        KeyValueStore<Bytes, byte[]> meta = driver.getKeyValueStore(IndexTopology.META_STORE);
        assertEquals(
                "{\"label\":1}",
                IndexStore.decodeMeta(meta.get(Bytes.wrap(key("img-4")))).metadataJson());

        // A tombstone on the images topic deletes the image from the stores and FAISS.
        this.images.pipeInput(key("img-4"), (byte[]) null);
        assertEquals(29, shard.size());
        assertTrue(shard.search(query, 30).stream().noneMatch(h -> h.imageId().equals("img-4")));
        KeyValueStore<Bytes, byte[]> vectorStore = driver.getKeyValueStore(IndexTopology.VECTORS_STORE);
        assertEquals(null, vectorStore.get(Bytes.wrap(key("img-4"))));
        // A replacement: the new vector is found, the old one is not.
        embeddings.pipeInput(new TestRecord<>(key("img-7"), VectorCodec.encode(vectors[4]), SPEC.toHeaders()));
        assertEquals("img-7", shard.search(query, 1).get(0).imageId());
        assertEquals(29, shard.size());
    }

    @Test
    void badRecordsAreDeadLetteredWithAReasonAndProcessingGoesOn() {
        embeddings.pipeInput(new TestRecord<>(key("short"), new byte[7], SPEC.toHeaders()));
        embeddings.pipeInput(new TestRecord<>(key("../escape"), VectorCodec.encode(new float[DIM]), SPEC.toHeaders()));
        embeddings.pipeInput(
                new TestRecord<>(key("good"), VectorCodec.encode(unit(new SplittableRandom(1))), SPEC.toHeaders()));
        EmbeddingSpec other = new EmbeddingSpec("other", "1", DIM, "cls", "l2");
        embeddings.pipeInput(
                new TestRecord<>(key("other-space"), VectorCodec.encode(new float[DIM]), other.toHeaders()));
        RecordHeaders badMeta = new RecordHeaders();
        badMeta.add(Headers.METADATA, Headers.utf8("[1,2]"));
        images.pipeInput(new TestRecord<>(key("bad-meta"), PNG, badMeta));

        List<TestRecord<byte[], byte[]>> letters = deadLetters.readRecordsToList();
        assertEquals(4, letters.size());
        assertReason(letters.get(0), "short", "multiple of 4");
        assertReason(letters.get(1), "../escape", "invalid image id");
        assertReason(letters.get(2), "other-space", "differs from the index's");
        assertReason(letters.get(3), "bad-meta", "JSON object");
        assertEquals(1, shards.shards().get(0).size(), "the good record was indexed");
    }

    @Test
    void aShardRebuiltFromTheStoresAnswersLikeTheLiveOneAndClosingUnregistersIt() {
        SplittableRandom random = new SplittableRandom(4);
        float[][] vectors = new float[20][];
        for (int i = 0; i < 20; i++) {
            vectors[i] = unit(random);
            embeddings.pipeInput(new TestRecord<>(key("v-" + i), VectorCodec.encode(vectors[i]), SPEC.toHeaders()));
        }
        embeddings.pipeInput(key("v-3"), (byte[]) null);
        embeddings.pipeInput(new TestRecord<>(key("v-5"), VectorCodec.encode(vectors[0]), SPEC.toHeaders()));
        List<Shard.Hit> live = shards.shards().get(0).search(vectors[0], 10);
        // What a task re-created on this instance (after a rebalance or an aborted transaction) builds.
        try (Shard rebuilt = Shard.rebuild(
                0,
                "Flat",
                1000,
                io.dinostream.index.faiss.IndexDevice.CPU,
                DIM,
                driver.getKeyValueStore(IndexTopology.VECTORS_STORE),
                driver.getKeyValueStore(IndexTopology.IDS_STORE))) {
            assertEquals(19, rebuilt.size());
            assertEquals(live, rebuilt.search(vectors[0], 10));
        }
        Shard shard = shards.shards().get(0);
        driver.close();
        driver = null;
        assertTrue(shards.shards().isEmpty(), "a closed task unregisters its shard");
        assertThrows(IllegalStateException.class, () -> shard.search(vectors[0], 1), "and frees it");
    }

    private static void assertReason(TestRecord<byte[], byte[]> letter, String key, String reasonPart) {
        assertEquals(key, new String(letter.key(), StandardCharsets.UTF_8));
        assertEquals(
                "index", Headers.lastString(letter.headers(), Headers.DLQ_STAGE).orElseThrow());
        String reason = Headers.lastString(letter.headers(), Headers.DLQ_REASON).orElseThrow();
        assertTrue(reason.contains(reasonPart), reason);
        assertTrue(Headers.lastString(letter.headers(), Headers.DLQ_ORIGINAL_OFFSET)
                .isPresent());
    }

    private static void assertOracle(float[][] vectors, float[] query, List<Shard.Hit> hits) {
        try (BruteForceVectorIndex oracle = new BruteForceVectorIndex(DIM)) {
            for (int i = 0; i < vectors.length; i++) {
                oracle.upsert(new long[] {i}, new float[][] {vectors[i]});
            }
            Neighbors expected = oracle.search(query, hits.size()).get(0);
            for (int r = 0; r < hits.size(); r++) {
                assertEquals("img-" + expected.id(r), hits.get(r).imageId(), "rank " + r);
                assertEquals(expected.score(r), hits.get(r).score(), 1e-5f);
            }
        }
    }

    private static byte[] key(String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    private static float[] unit(SplittableRandom random) {
        return TestVectors.unit(random, DIM);
    }

    @Test
    void storesUseTheIndexFormatLayout() {
        embeddings.pipeInput(
                new TestRecord<>(key("a"), VectorCodec.encode(new float[] {1, 0, 0, 0, 0, 0, 0, 0}), SPEC.toHeaders()));
        KeyValueStore<Bytes, byte[]> ids = driver.getKeyValueStore(IndexTopology.IDS_STORE);
        long id = IndexFormat.readLong(ids.get(Bytes.wrap(IndexFormat.idByNameKey("a"))));
        assertEquals(IndexFormat.FIRST_ID, id);
        assertArrayEquals(IndexFormat.utf8("a"), ids.get(Bytes.wrap(IndexFormat.nameByIdKey(id))));
        KeyValueStore<Bytes, byte[]> info = driver.getKeyValueStore(IndexTopology.INFO_STORE);
        assertEquals(
                SPEC, IndexStore.decodeSpec(info.get(Bytes.wrap(IndexFormat.utf8(IndexFormat.INFO_EMBEDDING_SPEC)))));
    }
}
