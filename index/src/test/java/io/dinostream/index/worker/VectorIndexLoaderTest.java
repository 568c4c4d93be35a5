package io.dinostream.index.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.index.faiss.VectorIndexes;
import io.dinostream.index.store.IndexStore;
import io.dinostream.index.vector.BruteForceVectorIndex;
import io.dinostream.index.vector.Neighbors;
import io.dinostream.index.vector.SearchParams;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up of FAISS from a real RocksDB store: a rebuild from the vectors when there is no snapshot, and
 * the newest snapshot plus only the later changes (adds, replacements, deletes) when there is one. The
 * index is IVF with nprobe = nlist, so it is exact and compared to the brute-force oracle.
 */
class VectorIndexLoaderTest {
    private static final int DIM = 8;
    private static final EmbeddingSpec SPEC = new EmbeddingSpec("loader-test", "1", DIM, "cls", "l2");
    private static final SearchParams EXACT = new SearchParams(8, 0);

    @TempDir
    Path dir;

    private IndexWorkerOptions options(String factory) {
        return IndexWorkerOptions.fromConfig(
                        new DinostreamConfig(Map.of(DinostreamConfig.BOOTSTRAP_SERVERS, "localhost:1")))
                .withStoreDirectory(dir)
                .withFaiss(factory, 100);
    }

    @Test
    void loadsTheNewestSnapshotAndReplaysOnlyTheLaterChanges() throws Exception {
        Random random = new Random(5);
        float[][] vectors = new float[600][];
        try (IndexStore store = IndexStore.open(dir)) {
            assertNull(VectorIndexLoader.load(store, options("IVF8,Flat")), "no space fixed: nothing to load");
            try (IndexStore.Batch batch = store.newBatch()) {
                batch.fixEmbeddingSpec(SPEC);
                for (int i = 0; i < 500; i++) {
                    vectors[i] = random(random);
                    put(batch, i, vectors[i]);
                }
                batch.write();
            }
            VectorIndexLoader.Loaded rebuilt = VectorIndexLoader.load(store, options("IVF8,Flat"));
            try (var index = rebuilt.index()) {
                assertFalse(rebuilt.fromSnapshot());
                assertEquals(500, rebuilt.rebuiltVectors());
                assertTrue(index.isTrained(), "500 vectors > train size 100");
                try (IndexStore.SnapshotOutput out = store.newSnapshot()) {
                    long covered = store.nextChange();
                    index.writeSnapshot(out);
                    out.commit(VectorIndexes.factoryOf(index), DIM, index.size(), covered, store.offsets());
                }
            }
            // After the snapshot: 20 deletes, 30 replacements, 100 additions.
            try (IndexStore.Batch batch = store.newBatch()) {
                for (int i = 0; i < 20; i++) {
                    String id = "img-" + i;
                    batch.logChange(batch.numericId(id).getAsLong());
                    batch.deleteVector(id);
                    batch.releaseId(id);
                    vectors[i] = null;
                }
                for (int i = 20; i < 50; i++) {
                    vectors[i] = random(random);
                    put(batch, i, vectors[i]);
                }
                for (int i = 500; i < 600; i++) {
                    vectors[i] = random(random);
                    put(batch, i, vectors[i]);
                }
                batch.write();
            }

            VectorIndexLoader.Loaded loaded = VectorIndexLoader.load(store, options("IVF8,Flat"));
            try (var index = loaded.index();
                    BruteForceVectorIndex oracle = oracle(store, vectors)) {
                assertTrue(loaded.fromSnapshot());
                assertEquals(150, loaded.replayedChanges(), "only the changes after the snapshot");
                assertEquals(0, loaded.rebuiltVectors());
                assertEquals(580, index.size());
                float[] queries = new float[10 * DIM];
                for (int q = 0; q < 10; q++) {
                    System.arraycopy(random(random), 0, queries, q * DIM, DIM);
                }
                List<Neighbors> want = oracle.search(queries, 10);
                List<Neighbors> got = index.search(queries, 10, EXACT);
                for (int q = 0; q < 10; q++) {
                    assertArrayEquals(want.get(q).ids(), got.get(q).ids(), "query " + q);
                    assertArrayEquals(want.get(q).scores(), got.get(q).scores(), 1e-5f, "query " + q);
                }
            }

            // Another factory string in the configuration: the snapshot is not used.
            VectorIndexLoader.Loaded other = VectorIndexLoader.load(store, options("HNSW16"));
            try (var index = other.index()) {
                assertFalse(other.fromSnapshot());
                assertEquals(580, other.rebuiltVectors());
            }
        }
    }

    private static void put(IndexStore.Batch batch, int i, float[] vector) {
        String id = "img-" + i;
        long numericId = batch.assignId(id);
        batch.putVector(id, vector);
        batch.logChange(numericId);
    }

    /** The live vectors under their numeric ids, as the store assigned them. */
    private static BruteForceVectorIndex oracle(IndexStore store, float[][] vectors) {
        BruteForceVectorIndex oracle = new BruteForceVectorIndex(DIM);
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i] != null) {
                oracle.upsert(new long[] {store.numericId("img-" + i).getAsLong()}, new float[][] {vectors[i]});
            }
        }
        return oracle;
    }

    private static float[] random(Random random) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
