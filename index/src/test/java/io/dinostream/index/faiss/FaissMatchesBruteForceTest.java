package io.dinostream.index.faiss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.index.vector.BruteForceVectorIndex;
import io.dinostream.index.vector.Neighbors;
import io.dinostream.index.vector.VectorIndex;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * FAISS exact search equals the plain-Java oracle on seeded random, L2-normalised data, through upserts
 * that replace and removals. Scores must agree within {@value #SCORE_TOLERANCE} (FAISS accumulates in float
 * via BLAS, the oracle in double); ids must agree rank by rank except where two neighbours' scores are
 * within that tolerance of each other (a near-tie may legitimately swap).
 */
class FaissMatchesBruteForceTest {
    private static final float SCORE_TOLERANCE = 1e-5f;
    private static final long SEED = 20_240_611L;

    @Test
    void exactSearchAgreesWithBruteForce() {
        int dimension = 64;
        int count = 2_000;
        int queries = 50;
        int k = 10;
        SplittableRandom random = new SplittableRandom(SEED);
        try (VectorIndex faiss = new FaissVectorIndex(dimension);
                VectorIndex oracle = new BruteForceVectorIndex(dimension)) {
            long[] ids = new long[count];
            float[] data = new float[count * dimension];
            for (int i = 0; i < count; i++) {
                ids[i] = 1_000 + 7L * i;
                System.arraycopy(unit(random, dimension), 0, data, i * dimension, dimension);
            }
            faiss.upsert(ids, data);
            oracle.upsert(ids, data);

            // Replace a tenth and remove a twentieth, identically in both.
            long[] replaced = new long[count / 10];
            float[] replacement = new float[replaced.length * dimension];
            for (int i = 0; i < replaced.length; i++) {
                replaced[i] = ids[random.nextInt(count)];
                System.arraycopy(unit(random, dimension), 0, replacement, i * dimension, dimension);
            }
            faiss.upsert(replaced, replacement);
            oracle.upsert(replaced, replacement);
            long[] removed = new long[count / 20];
            for (int i = 0; i < removed.length; i++) {
                removed[i] = ids[random.nextInt(count)];
            }
            assertEquals(oracle.remove(removed), faiss.remove(removed));
            assertEquals(oracle.size(), faiss.size());

            float[] query = new float[queries * dimension];
            for (int q = 0; q < queries; q++) {
                System.arraycopy(unit(random, dimension), 0, query, q * dimension, dimension);
            }
            List<Neighbors> expected = oracle.search(query, k);
            List<Neighbors> actual = faiss.search(query, k);
            assertEquals(queries, actual.size());
            for (int q = 0; q < queries; q++) {
                assertSameNeighbors(expected.get(q), actual.get(q), "query " + q);
            }
        }
    }

    private static void assertSameNeighbors(Neighbors expected, Neighbors actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": count");
        for (int r = 0; r < expected.size(); r++) {
            assertEquals(expected.score(r), actual.score(r), SCORE_TOLERANCE, what + " rank " + r + ": score");
            if (expected.id(r) != actual.id(r)) {
                boolean nearTie = (r > 0 && Math.abs(expected.score(r) - expected.score(r - 1)) <= SCORE_TOLERANCE)
                        || (r + 1 < expected.size()
                                && Math.abs(expected.score(r) - expected.score(r + 1)) <= SCORE_TOLERANCE);
                assertTrue(nearTie, what + " rank " + r + ": id " + actual.id(r) + " instead of " + expected.id(r));
            }
        }
    }

    private static float[] unit(SplittableRandom random, int dimension) {
        float[] v = new float[dimension];
        double norm = 0;
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
            norm += (double) v[i] * v[i];
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dimension; i++) {
            v[i] *= inv;
        }
        return v;
    }
}
