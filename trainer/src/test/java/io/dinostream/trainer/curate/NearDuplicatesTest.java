package io.dinostream.trainer.curate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.trainer.curate.pool.PoolItemKind;
import io.dinostream.trainer.curate.pool.PoolTruth;
import io.dinostream.trainer.curate.vectors.VectorSource;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Near-duplicate grouping through our FAISS binding (exact and IVF), checked against brute-force cosine
 * similarity on seeded random vectors, and the precision/recall score on a hand-made truth.
 */
class NearDuplicatesTest {
    private static final int DIM = 16;

    @Test
    void groupsAreTheTransitiveClosureOfPairsAboveTheThresholdKeepingTheFirst() {
        Random random = new Random(1);
        float[][] v = new float[300][];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 10 == 9 ? jitter(v[i - 1], 0.02f, random) : unit(random); // every 10th: a near copy
        }
        v[150] = v[3].clone(); // an exact copy far away in the pool
        float threshold = 0.95f;
        NearDuplicates.Groups groups = NearDuplicates.within(VectorSource.of(v), threshold, CurationProgress.NONE);
        int[] expected = bruteForceKeepers(v, threshold);
        assertArrayEquals(expected, groups.keeper());
        assertEquals(3, groups.keeper()[150], "the copy keeps the earlier image");
        assertTrue(groups.removedCount() >= 31, "30 near copies and 1 exact copy: " + groups.removedCount());
        assertTrue(groups.duplicateGroups() >= 31);
    }

    @Test
    void aThresholdAboveEveryPairRemovesNothingButExactCopies() {
        Random random = new Random(2);
        float[][] v = new float[50][];
        for (int i = 0; i < v.length; i++) {
            v[i] = unit(random);
        }
        v[49] = v[10].clone();
        NearDuplicates.Groups groups = NearDuplicates.within(VectorSource.of(v), 0.999f, CurationProgress.NONE);
        assertEquals(1, groups.removedCount());
        assertTrue(groups.removed(49));
        assertFalse(groups.removed(10));
    }

    @Test
    void nearCopiesOfAProtectedSetAreFlagged() {
        Random random = new Random(3);
        float[][] protectedSet = new float[20][];
        for (int i = 0; i < protectedSet.length; i++) {
            protectedSet[i] = unit(random);
        }
        float[][] pool = new float[100][];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = i < 10 ? jitter(protectedSet[i], 0.02f, random) : unit(random);
        }
        boolean[] copies = NearDuplicates.nearCopiesOf(
                VectorSource.of(pool), VectorSource.of(protectedSet), 0.95f, CurationProgress.NONE);
        for (int i = 0; i < pool.length; i++) {
            assertEquals(i < 10 || nearAny(pool[i], protectedSet, 0.95f), copies[i], "pool image " + i);
        }
    }

    @Test
    void largePoolsUseAnInvertedFileAndStillFindTheCopies() {
        assertEquals("Flat", NeighbourIndexChoice.factoryFor(NeighbourIndexChoice.EXACT_LIMIT));
        assertTrue(NeighbourIndexChoice.factoryFor(NeighbourIndexChoice.EXACT_LIMIT + 1)
                .startsWith("IVF"));
        Random random = new Random(4);
        int n = NeighbourIndexChoice.EXACT_LIMIT + 2_000;
        float[][] v = new float[n][];
        for (int i = 0; i < n; i++) {
            v[i] = i >= n - 1_000 ? jitter(v[i - 1_000], 0.01f, random) : unit(random);
        }
        NearDuplicates.Groups groups = NearDuplicates.within(VectorSource.of(v), 0.97f, CurationProgress.NONE);
        int found = 0;
        for (int i = n - 1_000; i < n; i++) {
            found += groups.keeper()[i] == groups.keeper()[i - 1_000] ? 1 : 0;
        }
        // IVF may miss a pair whose two vectors land in lists not probed; with 16 of ~900 lists on random
        // data, a near copy shares its original's list almost always.
        assertTrue(found >= 950, found + " of 1000 copies found");
    }

    @Test
    void scoreCountsRemovalsAgainstTheTruth() {
        // Group 0: {0, 1, 2}; group 3: {3, 4}; 5 and 6 unique; 7 junk.
        PoolItemKind o = PoolItemKind.ORIGINAL;
        PoolItemKind c = PoolItemKind.EXACT_COPY;
        PoolTruth truth = new PoolTruth(
                new PoolItemKind[] {o, c, c, o, c, o, o, PoolItemKind.JUNK_NOISE},
                new int[] {1, 1, 1, 2, 2, 3, 4, -1},
                new int[] {0, 0, 0, 3, 3, 5, 6, -1},
                new int[] {10, 10, 10, 11, 11, 12, 13, -1});
        // Removes 1 and 2 (right), 3 and 4 (one too many), 5 (wrong).
        DuplicateScore score =
                DuplicateScore.of(truth, new boolean[] {false, true, true, true, true, true, false, false});
        assertEquals(5, score.removed());
        assertEquals(3, score.correct());
        assertEquals(3, score.expected());
        assertEquals(0.6, score.precision(), 1e-12);
        assertEquals(1.0, score.recall(), 1e-12);
    }

    private static int[] bruteForceKeepers(float[][] v, float threshold) {
        UnionFind sets = new UnionFind(v.length);
        for (int i = 0; i < v.length; i++) {
            for (int j = i + 1; j < v.length; j++) {
                if (dot(v[i], v[j]) > threshold) {
                    sets.union(i, j);
                }
            }
        }
        int[] keeper = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            keeper[i] = sets.find(i);
        }
        return keeper;
    }

    private static boolean nearAny(float[] x, float[][] set, float threshold) {
        for (float[] y : set) {
            if (dot(x, y) > threshold) {
                return true;
            }
        }
        return false;
    }

    private static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static float[] unit(Random random) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return normalise(v);
    }

    private static float[] jitter(float[] x, float scale, Random random) {
        float[] v = x.clone();
        for (int i = 0; i < DIM; i++) {
            v[i] += (float) (random.nextGaussian() * scale);
        }
        return normalise(v);
    }

    private static float[] normalise(float[] v) {
        double n = 0;
        for (float x : v) {
            n += x * x;
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= (float) Math.sqrt(n);
        }
        return v;
    }
}
