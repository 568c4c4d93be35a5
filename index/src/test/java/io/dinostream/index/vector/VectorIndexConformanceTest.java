package io.dinostream.index.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.index.NeighbourAssertions;
import io.dinostream.index.faiss.VectorIndexes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link VectorIndex}; every implementation extends this class. Vectors are small integers
 * so that inner products are exact in float and ties are real.
 */
public abstract class VectorIndexConformanceTest {
    /** Tolerance for scores: sums of a few products of small integers are exact in float32. */
    private static final float EXACT = 0f;

    protected static final int DIM = 4;

    private VectorIndex index;

    protected abstract VectorIndex create(int dimension);

    @BeforeEach
    void open() {
        index = create(DIM);
    }

    @AfterEach
    void close() {
        index.close();
    }

    private static float[] v(float... values) {
        return values;
    }

    @Test
    void emptyIndexHasNoNeighbours() {
        assertEquals(DIM, index.dimension());
        assertEquals(0, index.size());
        List<Neighbors> results = index.search(new float[][] {v(1, 0, 0, 0), v(0, 1, 0, 0)}, 5);
        assertEquals(2, results.size());
        assertEquals(0, results.get(0).size());
        assertEquals(0, results.get(1).size());
    }

    @Test
    void searchOrdersByDescendingInnerProduct() {
        index.upsert(new long[] {10, 20, 30}, new float[][] {v(1, 0, 0, 0), v(3, 0, 0, 0), v(-2, 0, 0, 0)});
        Neighbors n = index.search(v(1, 0, 0, 0), 3).get(0);
        assertArrayEquals(new long[] {20, 10, 30}, n.ids());
        assertArrayEquals(new float[] {3, 1, -2}, n.scores(), EXACT);
    }

    @Test
    void kLargerThanSizeReturnsAllStored() {
        index.upsert(new long[] {1, 2}, new float[][] {v(1, 0, 0, 0), v(0, 1, 0, 0)});
        Neighbors n = index.search(v(1, 1, 0, 0), 10).get(0);
        assertEquals(2, n.size());
        assertEquals(Set.of(1L, 2L), Set.of(n.id(0), n.id(1)));
    }

    @Test
    void kSmallerThanSizeReturnsTheBest() {
        index.upsert(
                new long[] {1, 2, 3, 4}, new float[][] {v(1, 0, 0, 0), v(2, 0, 0, 0), v(3, 0, 0, 0), v(4, 0, 0, 0)});
        Neighbors n = index.search(v(1, 0, 0, 0), 2).get(0);
        assertArrayEquals(new long[] {4, 3}, n.ids());
    }

    @Test
    void upsertReplacesAnExistingId() {
        index.upsert(new long[] {7}, new float[][] {v(1, 0, 0, 0)});
        index.upsert(new long[] {7}, new float[][] {v(0, 5, 0, 0)});
        assertEquals(1, index.size());
        Neighbors n = index.search(v(0, 1, 0, 0), 5).get(0);
        assertArrayEquals(new long[] {7}, n.ids());
        assertArrayEquals(new float[] {5}, n.scores(), EXACT);
    }

    @Test
    void lastOccurrenceWinsWithinOneUpsert() {
        index.upsert(new long[] {7, 8, 7}, new float[][] {v(1, 0, 0, 0), v(0, 0, 1, 0), v(0, 2, 0, 0)});
        assertEquals(2, index.size());
        Neighbors n = index.search(v(0, 1, 0, 0), 5).get(0);
        assertEquals(7, n.id(0));
        assertEquals(2f, n.score(0), EXACT);
    }

    @Test
    void removeDeletesOnlyPresentIds() {
        index.upsert(new long[] {1, 2, 3}, new float[][] {v(1, 0, 0, 0), v(0, 1, 0, 0), v(0, 0, 1, 0)});
        assertEquals(1, index.remove(new long[] {2, 99}));
        assertEquals(2, index.size());
        Neighbors n = index.search(v(1, 1, 1, 0), 5).get(0);
        assertEquals(Set.of(1L, 3L), Set.of(n.id(0), n.id(1)));
        assertEquals(0, index.remove(new long[] {2}));
        assertEquals(0, index.remove(new long[0]));
    }

    @Test
    void removedIdCanBeAddedAgain() {
        index.upsert(new long[] {1}, new float[][] {v(1, 0, 0, 0)});
        index.remove(new long[] {1});
        assertEquals(0, index.size());
        assertEquals(0, index.search(v(1, 0, 0, 0), 1).get(0).size());
        index.upsert(new long[] {1}, new float[][] {v(0, 0, 0, 2)});
        Neighbors n = index.search(v(0, 0, 0, 1), 1).get(0);
        assertArrayEquals(new long[] {1}, n.ids());
        assertArrayEquals(new float[] {2}, n.scores(), EXACT);
    }

    @Test
    void tiesReturnAllTiedIdsWithEqualScores() {
        index.upsert(
                new long[] {5, 6, 7, 8}, new float[][] {v(1, 0, 0, 0), v(1, 0, 0, 0), v(1, 0, 0, 0), v(0, 1, 0, 0)});
        Neighbors n = index.search(v(1, 0, 0, 0), 3).get(0);
        // Order among ties is unspecified: compare as a set, scores exactly.
        assertEquals(Set.of(5L, 6L, 7L), new HashSet<>(List.of(n.id(0), n.id(1), n.id(2))));
        assertArrayEquals(new float[] {1, 1, 1}, n.scores(), EXACT);
    }

    @Test
    void batchedQueriesAnswerEachQuery() {
        index.upsert(new long[] {1, 2}, new float[][] {v(1, 0, 0, 0), v(0, 1, 0, 0)});
        List<Neighbors> results = index.search(new float[][] {v(0, 1, 0, 0), v(1, 0, 0, 0)}, 1);
        assertEquals(2, results.get(0).id(0));
        assertEquals(1, results.get(1).id(0));
    }

    @Test
    void largeIdsRoundTrip() {
        long big = Long.MAX_VALUE - 3;
        index.upsert(new long[] {big, Long.MIN_VALUE}, new float[][] {v(0, 0, 3, 0), v(0, 0, 1, 0)});
        Neighbors n = index.search(v(0, 0, 1, 0), 2).get(0);
        assertArrayEquals(new long[] {big, Long.MIN_VALUE}, n.ids());
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> index.upsert(new long[] {1}, new float[DIM + 1]));
        assertThrows(
                IllegalArgumentException.class, () -> index.upsert(new long[] {VectorIndex.NO_ID}, new float[DIM]));
        assertThrows(IllegalArgumentException.class, () -> index.search(new float[DIM], 0));
        assertThrows(IllegalArgumentException.class, () -> index.search(new float[DIM - 1], 1));
        assertThrows(IllegalArgumentException.class, () -> index.search(new float[0], 1));
        assertEquals(0, index.size());
    }

    @Test
    void closeIsIdempotentAndFurtherUseFails() {
        index.upsert(new long[] {1}, new float[][] {v(1, 0, 0, 0)});
        index.close();
        index.close();
        assertThrows(IllegalStateException.class, () -> index.search(v(1, 0, 0, 0), 1));
    }

    @Test
    void neighboursAreNeverMoreThanStoredEvenAfterRemovals() {
        for (int i = 0; i < 50; i++) {
            index.upsert(new long[] {i}, new float[][] {v(i, 1, 0, 0)});
        }
        index.remove(new long[] {0, 10, 20, 30, 40});
        Neighbors n = index.search(v(1, 0, 0, 0), 100).get(0);
        assertEquals(45, n.size());
        for (long id : n.ids()) {
            assertTrue(id % 10 != 0, "removed id " + id + " returned");
        }
        assertEquals(49, n.id(0));
        for (int r = 1; r < n.size(); r++) {
            assertTrue(n.score(r - 1) >= n.score(r), "scores must not increase");
        }
    }

    @Test
    void rangeSearchReturnsEveryVectorAboveTheThresholdBestFirst() {
        for (int i = 0; i < 20; i++) {
            index.upsert(new long[] {100 + i}, new float[][] {v(i, 0, 1, 0)});
        }
        index.remove(new long[] {115});
        index.upsert(new long[] {116}, new float[][] {v(0, 0, 0, 1)}); // replaced: now scores 0
        List<Neighbors> results =
                index.rangeSearch(Vectors.flatten(new float[][] {v(1, 0, 0, 0), v(0, 1, 0, 0)}, DIM), 12.5f);
        assertEquals(2, results.size());
        Neighbors n = results.get(0);
        // Scores 13..19 pass, minus removed 115 and replaced 116.
        assertArrayEquals(new long[] {119, 118, 117, 114, 113}, n.ids());
        assertArrayEquals(new float[] {19, 18, 17, 14, 13}, n.scores(), EXACT);
        assertEquals(0, results.get(1).size(), "no vector scores above 12.5 on the second axis");
    }

    @Test
    void rangeSearchThresholdIsStrict() {
        index.upsert(new long[] {1, 2}, new float[][] {v(2, 0, 0, 0), v(3, 0, 0, 0)});
        Neighbors n = index.rangeSearch(v(1, 0, 0, 0), 2f).get(0);
        assertArrayEquals(new long[] {2}, n.ids());
    }

    @Test
    void snapshotRestoresAnIndexThatAnswersTheSame() throws IOException {
        for (int i = 0; i < 60; i++) {
            index.upsert(new long[] {i * 7L}, new float[][] {v(i % 5, i % 7, i % 3, 1)});
        }
        index.remove(new long[] {0, 14, 70});
        index.upsert(new long[] {21}, new float[][] {v(9, 9, 9, 9)});
        float[] queries = Vectors.flatten(new float[][] {v(1, 0, 0, 0), v(0, 1, 1, 0), v(1, 1, 1, 1)}, DIM);
        List<Neighbors> before = index.search(queries, 10);
        List<Neighbors> rangeBefore = index.rangeSearch(queries, 3f);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        index.writeSnapshot(bytes);
        try (VectorIndex restored = VectorIndexes.readSnapshot(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(index.size(), restored.size());
            assertEquals(DIM, restored.dimension());
            assertEquals(index.isTrained(), restored.isTrained());
            assertSameNeighbours(before, restored.search(queries, 10));
            assertSameNeighbours(rangeBefore, restored.rangeSearch(queries, 3f));
            // The restored index keeps working: replace, remove and add.
            restored.upsert(new long[] {7, 1000}, new float[][] {v(0, 0, 0, 50), v(0, 0, 0, 40)});
            restored.remove(new long[] {28});
            Neighbors n = restored.search(v(0, 0, 0, 1), 2).get(0);
            assertArrayEquals(new long[] {7, 1000}, n.ids());
            assertEquals(index.size(), restored.size(), "one added, one removed");
        }
    }

    @Test
    void truncatedSnapshotIsRejected() throws IOException {
        index.upsert(new long[] {1, 2}, new float[][] {v(1, 0, 0, 0), v(0, 1, 0, 0)});
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        index.writeSnapshot(bytes);
        byte[] cut = Arrays.copyOf(bytes.toByteArray(), bytes.size() - 5);
        assertThrows(IOException.class, () -> VectorIndexes.readSnapshot(new ByteArrayInputStream(cut)));
    }

    /** Same ids per query, compared as sets among equal scores, and the same scores in order. */
    /**
     * The same neighbours with the same scores; tied ids may come in another order, and where ties
     * straddle the k-th place any of them is right (a GPU copy breaks ties differently from the CPU).
     */
    private static void assertSameNeighbours(List<Neighbors> expected, List<Neighbors> actual) {
        NeighbourAssertions.assertSameUpToTies(expected, actual, EXACT);
    }
}
