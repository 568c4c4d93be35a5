package io.dinostream.index.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.EmbeddedKafka;
import io.dinostream.common.kafka.KafkaClients;
import io.dinostream.common.kafka.KafkaSetup;
import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.common.wire.Topics;
import io.dinostream.common.wire.VectorCodec;
import io.dinostream.index.SearchHit;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the index role with SIGKILL in the middle of heavy writes and checks, after a restart on the
 * same RocksDB directory, that every acknowledged vector is indexed exactly once: the store and FAISS
 * hold exactly the produced ids, and each vector finds itself first.
 */
class IndexCrashTest {
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final int DIM = 8;
    private static final int VECTORS = 20_000;
    /** The child snapshots FAISS this often, so it dies with a snapshot and changes after it. */
    private static final int SNAPSHOT_EVERY = 1_000;

    private static final EmbeddingSpec SPEC = new EmbeddingSpec("crash-test", "1", DIM, "cls", "l2");

    @Test
    void sigkillDuringWritesLosesAndDuplicatesNothing(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            DinostreamConfig config =
                    new DinostreamConfig(Map.of(DinostreamConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers()));
            KafkaSetup.createTopics(config);
            Path store = dir.resolve("index");
            Process child = startChild(kafka.bootstrapServers(), store);
            float[][] vectors = new float[VECTORS][];
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(KafkaClients.producer(config, "crash-test"))) {
                SplittableRandom random = new SplittableRandom(3);
                for (int i = 0; i < VECTORS; i++) {
                    vectors[i] = unit(random);
                    producer.send(new ProducerRecord<>(
                            Topics.EMBEDDINGS,
                            null,
                            ("v-" + i).getBytes(StandardCharsets.UTF_8),
                            VectorCodec.encode(vectors[i]),
                            SPEC.toHeaders()));
                    if (i == VECTORS / 2) {
                        producer.flush();
                        // Kill once the child has durably applied some records but not all.
                        awaitCommitted(kafka.bootstrapServers(), 5_000);
                        child.destroyForcibly().waitFor();
                        assertTrue(!child.isAlive());
                    }
                }
                producer.flush(); // every send above is acknowledged (acks=all) from here on
            }
            IndexWorkerOptions options = IndexWorkerOptions.fromConfig(config)
                    .withStoreDirectory(store)
                    .withFaiss("Flat", 1_000);
            try (IndexWorker restarted = IndexWorker.start(options)) {
                assertTrue(restarted.startedFromSnapshot(), "the child committed snapshots before it died");
                Await.until("all vectors indexed after the restart", WAIT, () -> {
                    assertTrue(restarted.failure().isEmpty(), () -> "failed: " + restarted.failure());
                    return restarted.size() >= VECTORS;
                });
                assertEquals(VECTORS, restarted.size(), "FAISS holds each vector once");
                for (int i = 0; i < VECTORS; i += 97) {
                    assertTrue(restarted.get("v-" + i).isPresent(), "v-" + i + " stored");
                    List<SearchHit> hits = restarted.search(vectors[i], 2);
                    assertEquals("v-" + i, hits.get(0).id());
                    assertTrue(hits.size() < 2 || !hits.get(1).id().equals("v-" + i), "v-" + i + " twice");
                }
            }
        }
    }

    private static Process startChild(String bootstrap, Path store) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java,
                        "-Xmx512m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        IndexWorkerProcess.class.getName(),
                        bootstrap,
                        store.toString(),
                        "Flat",
                        Integer.toString(SNAPSHOT_EVERY))
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + WAIT.toNanos();
        String line;
        while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
            if (line.equals("started")) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> {}), "crash-child-output");
                drain.setDaemon(true);
                drain.start();
                return child;
            }
        }
        child.destroyForcibly();
        throw new AssertionError("the index process did not start (last line: " + line + ")");
    }

    /** Waits until the index group has committed at least {@code records} offsets on the embeddings topic. */
    private static void awaitCommitted(String bootstrap, long records) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Await.until("the child committed " + records + " records", WAIT, () -> {
                Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> offsets;
                try {
                    offsets = admin.listConsumerGroupOffsets(IndexWorkerOptions.DEFAULT_GROUP_ID)
                            .partitionsToOffsetAndMetadata()
                            .get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("cannot read the group's offsets", e.getCause());
                }
                long committed = offsets.entrySet().stream()
                        .filter(e -> e.getKey().topic().equals(Topics.EMBEDDINGS) && e.getValue() != null)
                        .mapToLong(e -> e.getValue().offset())
                        .sum();
                return committed >= records;
            });
        }
    }

    private static float[] unit(SplittableRandom random) {
        float[] v = new float[DIM];
        double norm = 0;
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < DIM; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }
}
