package io.dinostream.index.faiss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dinostream.index.NeighbourAssertions;
import io.dinostream.index.vector.Neighbors;
import io.dinostream.index.vector.VectorIndex;
import io.dinostream.index.vector.VectorIndexConformanceTest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Single queries scanned in several ranges with BLAS scores give what FAISS's one-thread scan gives: the
 * same scores within {@link #ROUNDING} (BLAS sums in another order) and the same ids up to ties within it.
 * The index splits from one vector per range here, with three FAISS threads, so that small indexes split
 * too.
 */
class SplitFlatScanTest {
    /** Float32 rounding of a 16- or 32-term inner product of Gaussians (|score| < 30), summed in any order. */
    private static final float ROUNDING = 1e-4f;

    private static int threadsBefore;

    @BeforeAll
    static void threeThreads() {
        threadsBefore = FaissNative.threads();
        FaissNative.setThreads(3);
    }

    @AfterAll
    static void restoreThreads() {
        FaissNative.setThreads(threadsBefore);
    }

    @Test
    void splitScanEqualsFaissSearch() {
        int dimension = 32;
        int count = 5_000;
        SplittableRandom random = new SplittableRandom(77);
        float[] data = new float[count * dimension];
        long[] ids = new long[count];
        for (int i = 0; i < count; i++) {
            ids[i] = 10_000_000_000L + 3L * i; // ids unlike row numbers, so the translation shows
        }
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        try (VectorIndex split = new FaissVectorIndex(dimension, 1);
                VectorIndex whole = new FaissVectorIndex(dimension, Long.MAX_VALUE)) {
            split.upsert(ids, data);
            whole.upsert(ids, data);
            split.remove(new long[] {ids[17], ids[4_000]}); // a compacted index splits at other rows
            whole.remove(new long[] {ids[17], ids[4_000]});
            for (int q = 0; q < 50; q++) {
                float[] query = new float[dimension];
                for (int i = 0; i < dimension; i++) {
                    query[i] = (float) random.nextGaussian();
                }
                for (int k : new int[] {1, 10, 100}) {
                    Neighbors expected = whole.search(query, k).get(0);
                    Neighbors actual = split.search(query, k).get(0);
                    NeighbourAssertions.assertSameUpToTies(List.of(expected), List.of(actual), ROUNDING);
                }
            }
        }
    }

    @Test
    void concurrentSplitQueriesAllGetTheirOwnAnswer() throws Exception {
        int dimension = 16;
        int count = 3_000;
        SplittableRandom random = new SplittableRandom(78);
        float[] data = new float[count * dimension];
        long[] ids = new long[count];
        for (int i = 0; i < count; i++) {
            ids[i] = i * 11L;
        }
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        int searchers = 8;
        float[][] queries = new float[searchers * 20][dimension];
        for (float[] query : queries) {
            for (int i = 0; i < dimension; i++) {
                query[i] = (float) random.nextGaussian();
            }
        }
        try (VectorIndex split = new FaissVectorIndex(dimension, 1);
                VectorIndex whole = new FaissVectorIndex(dimension, Long.MAX_VALUE)) {
            split.upsert(ids, data);
            whole.upsert(ids, data);
            Neighbors[] expected = new Neighbors[queries.length];
            for (int q = 0; q < queries.length; q++) {
                expected[q] = whole.search(queries[q], 10).get(0);
            }
            // More searchers than cores: the pool fills and callers scan ranges themselves.
            ExecutorService pool = Executors.newFixedThreadPool(searchers);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int s = 0; s < searchers; s++) {
                    int first = s * 20;
                    done.add(pool.submit(() -> {
                        FaissNative.setThreads(3); // per thread in OpenMP: each searcher splits in three
                        for (int q = first; q < first + 20; q++) {
                            Neighbors actual = split.search(queries[q], 10).get(0);
                            NeighbourAssertions.assertSameUpToTies(List.of(expected[q]), List.of(actual), ROUNDING);
                        }
                        return null;
                    }));
                }
                for (Future<?> searcher : done) {
                    searcher.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void rangesNeverExceedTheThreadsAndHoldTheMinimum() {
        assertEquals(1, SplitFlatScan.parts(1_000_000, 1, 65_536));
        assertEquals(2, SplitFlatScan.parts(1_000_000, 2, 65_536));
        assertEquals(1, SplitFlatScan.parts(100_000, 2, 65_536)); // two ranges would be under the minimum
        assertEquals(3, SplitFlatScan.parts(200_000, 8, 65_536));
        assertEquals(1, SplitFlatScan.parts(0, 4, 65_536));
    }

    /** The whole {@link io.dinostream.index.vector.VectorIndex} contract with every single query split. */
    @Nested
    class Conformance extends VectorIndexConformanceTest {
        @Override
        protected VectorIndex create(int dimension) {
            return new FaissVectorIndex(dimension, 1);
        }
    }
}
