package io.dinostream.index.faiss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.index.vector.BruteForceVectorIndex;
import io.dinostream.index.vector.Neighbors;
import io.dinostream.index.vector.SearchParams;
import io.dinostream.index.vector.VectorIndex;
import io.dinostream.index.vector.VectorIndexConformanceTest;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite against factory indexes: untrained (exact stand-in), trained IVF with a single
 * list (exact, so the suite's exact expectations hold) and HNSW (exact at the suite's tiny sizes); plus
 * training on demand, L2 range search and range search against the oracle on random vectors.
 */
class FactoryVectorIndexTest {
    /** Scores this close to the range threshold may fall either side in float arithmetic. */
    private static final float BOUNDARY = 1e-4f;

    @Nested
    class BeforeTraining extends VectorIndexConformanceTest {
        @Override
        protected VectorIndex create(int dimension) {
            return new FactoryVectorIndex(dimension, "IVF4,Flat", FactoryVectorIndex.Metric.INNER_PRODUCT, 1_000_000);
        }
    }

    @Nested
    class TrainedIvf extends VectorIndexConformanceTest {
        @Override
        protected VectorIndex create(int dimension) {
            return new FactoryVectorIndex(dimension, "IVF1,Flat", FactoryVectorIndex.Metric.INNER_PRODUCT, 1);
        }
    }

    @Nested
    class Hnsw extends VectorIndexConformanceTest {
        @Override
        protected VectorIndex create(int dimension) {
            return new FactoryVectorIndex(dimension, "HNSW32", FactoryVectorIndex.Metric.INNER_PRODUCT, 1);
        }
    }

    private static float[] random(Random random, int n, int dim) {
        float[] values = new float[n * dim];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static long[] ids(int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 1000L + i;
        }
        return ids;
    }

    @Test
    void explicitTrainingSwitchesToTheFactoryIndexAndKeepsEveryVector() {
        Random random = new Random(7);
        int dim = 8;
        float[] vectors = random(random, 500, dim);
        try (FactoryVectorIndex index =
                        new FactoryVectorIndex(dim, "IVF8,Flat", FactoryVectorIndex.Metric.INNER_PRODUCT, 1_000_000);
                BruteForceVectorIndex oracle = new BruteForceVectorIndex(dim)) {
            index.upsert(ids(500), vectors);
            oracle.upsert(ids(500), vectors);
            assertFalse(index.isTrained());
            index.train(random(random, 400, dim));
            assertTrue(index.isTrained());
            assertEquals(500, index.size());
            float[] queries = random(random, 5, dim);
            // nprobe = nlist: the trained IVF is exact, so it must agree with the oracle.
            List<Neighbors> got = index.search(queries, 5, new SearchParams(8, 0));
            List<Neighbors> want = oracle.search(queries, 5);
            for (int q = 0; q < 5; q++) {
                assertArrayEquals(want.get(q).ids(), got.get(q).ids(), "query " + q);
            }
        }
    }

    /**
     * Past the tables' first 1,024 labels: a bulk load that trains the index on arrival, a batch that
     * replaces ids it also repeats (the last row wins), removals that compact the index, then more
     * growth. An exact "Flat" index must agree with the oracle after each step.
     */
    @Test
    void growthCompactionAndRepeatedIdsKeepTheOracleAnswers() {
        Random random = new Random(19);
        int dim = 8;
        for (String factory : List.of("Flat", "IVF1,Flat")) {
            try (FactoryVectorIndex index =
                            new FactoryVectorIndex(dim, factory, FactoryVectorIndex.Metric.INNER_PRODUCT, 3000);
                    BruteForceVectorIndex oracle = new BruteForceVectorIndex(dim)) {
                float[] queries = random(random, 20, dim);
                float[] first = random(random, 3000, dim);
                index.upsert(ids(3000), first);
                oracle.upsert(ids(3000), first);
                assertTrue(index.isTrained(), factory + " trains once the 3,000th vector arrives");
                assertSameAnswers(oracle, index, queries, factory + " after the bulk load");

                long[] repeated = {1000L, 1001L, 1000L, 5000L, 1001L};
                float[] rows = random(random, repeated.length, dim);
                index.upsert(repeated, rows);
                oracle.upsert(repeated, rows);
                assertEquals(oracle.size(), index.size());
                assertSameAnswers(oracle, index, queries, factory + " after repeated ids");

                long[] removed = new long[2000];
                for (int i = 0; i < removed.length; i++) {
                    removed[i] = 1000L + 1 + i; // all but 1000L of the first block's first 2,001
                }
                assertEquals(2000, index.remove(removed));
                oracle.remove(removed);
                assertSameAnswers(oracle, index, queries, factory + " after compaction");

                long[] more = new long[4000];
                for (int i = 0; i < more.length; i++) {
                    more[i] = 10_000L + i;
                }
                float[] moreRows = random(random, more.length, dim);
                for (int from = 0; from < more.length; from += 500) {
                    long[] batch = java.util.Arrays.copyOfRange(more, from, from + 500);
                    float[] batchRows = java.util.Arrays.copyOfRange(moreRows, from * dim, (from + 500) * dim);
                    index.upsert(batch, batchRows);
                    oracle.upsert(batch, batchRows);
                }
                assertEquals(oracle.size(), index.size());
                assertSameAnswers(oracle, index, queries, factory + " after growing again");
            }
        }
    }

    private static void assertSameAnswers(VectorIndex want, VectorIndex got, float[] queries, String when) {
        List<Neighbors> expected = want.search(queries, 10);
        List<Neighbors> actual = got.search(queries, 10, new SearchParams(1, 0));
        for (int q = 0; q < expected.size(); q++) {
            assertArrayEquals(expected.get(q).ids(), actual.get(q).ids(), when + ", query " + q);
        }
    }

    @Test
    void l2RangeSearchFindsTheVectorsCloserThanTheRadius() {
        try (FactoryVectorIndex index = new FactoryVectorIndex(2, "Flat", FactoryVectorIndex.Metric.L2, 1)) {
            index.upsert(new long[] {1, 2, 3}, new float[] {0, 0, 1, 0, 3, 0});
            // Squared distances from (0,0): 0, 1, 9. Closer than sqrt(2): ids 1 and 2.
            Neighbors n = index.rangeSearch(new float[] {0, 0}, -2f).get(0);
            assertArrayEquals(new long[] {1, 2}, n.ids());
            assertArrayEquals(new float[] {0f, -1f}, n.scores(), 0f);
        }
    }

    @Test
    void rangeSearchAgreesWithTheOracleOnRandomVectors() {
        for (String factory : List.of("IVF16,Flat", "HNSW16", "Flat")) {
            Random random = new Random(11);
            int dim = 16;
            int n = 3000;
            float[] vectors = random(random, n, dim);
            try (FactoryVectorIndex index =
                            new FactoryVectorIndex(dim, factory, FactoryVectorIndex.Metric.INNER_PRODUCT, 1000);
                    BruteForceVectorIndex oracle = new BruteForceVectorIndex(dim)) {
                index.upsert(ids(n), vectors);
                oracle.upsert(ids(n), vectors);
                float[] queries = random(random, 20, dim);
                float threshold = 9f; // about 1% of the vectors per query
                List<Neighbors> got = index.rangeSearch(queries, threshold, new SearchParams(16, 0));
                List<Neighbors> want = oracle.rangeSearch(queries, threshold);
                int total = 0;
                for (int q = 0; q < 20; q++) {
                    Set<Long> expected = clear(want.get(q), threshold);
                    Set<Long> actual = clear(got.get(q), threshold);
                    assertEquals(expected, actual, factory + " query " + q);
                    total += expected.size();
                }
                assertTrue(total > 100, "the threshold must select something: " + total);
            }
        }
    }

    /** The ids whose scores are clearly above the threshold (not within {@link #BOUNDARY} of it). */
    private static Set<Long> clear(Neighbors n, float threshold) {
        Set<Long> ids = new HashSet<>();
        for (int r = 0; r < n.size(); r++) {
            if (n.score(r) > threshold + BOUNDARY) {
                ids.add(n.id(r));
            }
        }
        return ids;
    }
}
