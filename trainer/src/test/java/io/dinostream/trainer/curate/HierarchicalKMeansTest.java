package io.dinostream.trainer.curate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dinostream.trainer.curate.vectors.VectorSource;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Two-level k-means through our FAISS binding: the tree is consistent and sizes add up. */
class HierarchicalKMeansTest {
    @Test
    void levelsNestAndSizesAddUp() {
        int dim = 8;
        int n = 3000;
        float[] vectors = unitRows(n, dim, 2);
        HierarchicalKMeans.Tree tree = HierarchicalKMeans.build(
                VectorSource.rowMajor(vectors, dim), new int[] {40, 5}, 0, CurationProgress.NONE);
        assertEquals(2, tree.levels().size());
        assertEquals(n, tree.clusterOf().length);
        assertEquals(40, tree.levels().get(1).length, "one parent per fine cluster");
        int[] fineSizes = new int[40];
        for (int c : tree.clusterOf()) {
            fineSizes[c]++;
        }
        assertArrayEquals(fineSizes, tree.sizes().get(0));
        int[] topSizes = new int[5];
        for (int c = 0; c < 40; c++) {
            topSizes[tree.levels().get(1)[c]] += fineSizes[c];
        }
        assertArrayEquals(topSizes, tree.sizes().get(1));
        assertEquals(n, Arrays.stream(topSizes).sum());
        int[] chosen = BalancedSampling.sample(n, tree.levels(), 500, 3);
        assertEquals(500, chosen.length);
    }

    @Test
    void centroidsTrainedOnASampleAssignEveryVectorToItsNearest() {
        int dim = 8;
        int n = 3000;
        float[] vectors = unitRows(n, dim, 4);
        int k = 20;
        HierarchicalKMeans.Tree tree = HierarchicalKMeans.build(
                VectorSource.rowMajor(vectors, dim), new int[] {k}, 0, CurationProgress.NONE, 500);
        float[] c = tree.centroids();
        for (int i = 0; i < n; i++) {
            int best = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int q = 0; q < k; q++) {
                double score = 0;
                for (int j = 0; j < dim; j++) {
                    score += vectors[i * dim + j] * c[q * dim + j];
                }
                if (score > bestScore) {
                    bestScore = score;
                    best = q;
                }
            }
            double assigned = 0;
            for (int j = 0; j < dim; j++) {
                assigned += vectors[i * dim + j] * c[tree.clusterOf()[i] * dim + j];
            }
            // Ties within float rounding may go either way.
            assertEquals(bestScore, assigned, 1e-5, "vector " + i + " (nearest " + best + ")");
        }
    }

    /** {@code n} seeded random unit vectors, row-major. */
    private static float[] unitRows(int n, int dim, long seed) {
        Random random = new Random(seed);
        float[] vectors = new float[n * dim];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int j = 0; j < dim; j++) {
                vectors[i * dim + j] = (float) random.nextGaussian();
                norm += vectors[i * dim + j] * vectors[i * dim + j];
            }
            for (int j = 0; j < dim; j++) {
                vectors[i * dim + j] /= (float) Math.sqrt(norm);
            }
        }
        return vectors;
    }
}
