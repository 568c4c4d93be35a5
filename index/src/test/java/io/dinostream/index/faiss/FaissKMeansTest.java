package io.dinostream.index.faiss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** FAISS k-means through our binding, on seeded well-separated blobs whose true clusters are known. */
class FaissKMeansTest {
    private static final int DIM = 8;
    private static final int BLOBS = 5;
    private static final int PER_BLOB = 400;

    @Test
    void centroidsAreAFixedPointOfLloydAndEachVectorGoesToItsNearestCentroid() {
        int[] truth = new int[BLOBS * PER_BLOB];
        float[] vectors = blobs(truth, new Random(11));
        FaissKMeans.Result result = FaissKMeans.cluster(vectors, DIM, FaissKMeans.Options.spherical(BLOBS, 3));
        assertEquals(truth.length, java.util.Arrays.stream(result.sizes()).sum());
        // The assignment is the nearest centroid by inner product, as a brute-force scan finds it.
        for (int i = 0; i < truth.length; i++) {
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < BLOBS; c++) {
                double s = 0;
                for (int j = 0; j < DIM; j++) {
                    s += vectors[i * DIM + j] * result.centroids()[c * DIM + j];
                }
                if (s > bestScore) {
                    bestScore = s;
                    best = c;
                }
            }
            assertEquals(best, result.assignment()[i], "vector " + i);
            assertEquals(bestScore, result.score()[i], 1e-4);
        }
        // Converged (spherical) k-means: each centroid is the normalised mean of its members. FAISS fits on
        // a subsample of 256 per centroid (1,280 of 2,000 here), hence the tolerance: members scatter
        // 0.05 per coordinate, so a subsample's mean moves by about 0.003.
        for (int c = 0; c < BLOBS; c++) {
            double[] mean = new double[DIM];
            for (int i = 0; i < truth.length; i++) {
                if (result.assignment()[i] == c) {
                    for (int j = 0; j < DIM; j++) {
                        mean[j] += vectors[i * DIM + j];
                    }
                }
            }
            double norm =
                    Math.sqrt(java.util.Arrays.stream(mean).map(x -> x * x).sum());
            for (int j = 0; j < DIM; j++) {
                assertEquals(mean[j] / norm, result.centroids()[c * DIM + j], 1e-2, "centroid " + c);
            }
        }
        // Clusters are made of whole blobs (k-means may merge two blobs and split another, never mix).
        Map<Integer, Integer> blobOfCluster = new HashMap<>();
        int mixed = 0;
        for (int i = 0; i < truth.length; i++) {
            Integer blob = blobOfCluster.putIfAbsent(result.assignment()[i], truth[i]);
            mixed += blob != null && blob != truth[i] ? 1 : 0;
        }
        assertTrue(mixed == 0 || mixed % PER_BLOB == 0, mixed + " vectors share a cluster with another blob");
    }

    @Test
    void theSameSeedGivesTheSameCentroids() {
        float[] vectors = blobs(new int[BLOBS * PER_BLOB], new Random(12));
        FaissKMeans.Options options = new FaissKMeans.Options(7, 5, false);
        assertArrayEquals(
                FaissKMeans.cluster(vectors, DIM, options).centroids(),
                FaissKMeans.cluster(vectors, DIM, options).centroids());
    }

    @Test
    void refusesMoreClustersThanVectors() {
        assertThrows(
                IllegalArgumentException.class,
                () -> FaissKMeans.cluster(new float[3 * DIM], DIM, FaissKMeans.Options.spherical(4, 0)));
        assertThrows(
                IllegalArgumentException.class,
                () -> FaissKMeans.cluster(new float[DIM + 1], DIM, FaissKMeans.Options.spherical(1, 0)));
    }

    /** {@link #BLOBS} tight clusters around random unit directions, normalised, interleaved. */
    private static float[] blobs(int[] truth, Random random) {
        float[][] centres = new float[BLOBS][DIM];
        for (float[] centre : centres) {
            for (int j = 0; j < DIM; j++) {
                centre[j] = (float) random.nextGaussian();
            }
        }
        float[] out = new float[truth.length * DIM];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = i % BLOBS;
            double norm = 0;
            for (int j = 0; j < DIM; j++) {
                float v = centres[truth[i]][j] + (float) (0.05 * random.nextGaussian());
                out[i * DIM + j] = v;
                norm += v * v;
            }
            for (int j = 0; j < DIM; j++) {
                out[i * DIM + j] /= (float) Math.sqrt(norm);
            }
        }
        return out;
    }
}
