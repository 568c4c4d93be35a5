package io.dinostream.index;

import java.util.SplittableRandom;

/** Seeded random vectors for the index tests. */
public final class TestVectors {
    private TestVectors() {}

    /**
     * {@code n} L2-normalised vectors of a mixture of Gaussian clusters, like embeddings: each a random
     * centre of {@code centres} (row-major, {@code dimension} floats each) plus noise of deviation
     * {@code noise} per coordinate.
     */
    public static float[] clustered(java.util.Random random, float[] centres, int n, int dimension, float noise) {
        int clusters = centres.length / dimension;
        float[] out = new float[n * dimension];
        for (int i = 0; i < n; i++) {
            int c = random.nextInt(clusters);
            double norm = 0;
            for (int d = 0; d < dimension; d++) {
                float v = centres[c * dimension + d] + noise * (float) random.nextGaussian();
                out[i * dimension + d] = v;
                norm += v * v;
            }
            for (int d = 0; d < dimension; d++) {
                out[i * dimension + d] /= (float) Math.sqrt(norm);
            }
        }
        return out;
    }

    /** A Gaussian vector scaled to unit length (so inner product is cosine). */
    public static float[] unit(SplittableRandom random, int dimension) {
        float[] v = new float[dimension];
        double norm = 0;
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) random.nextGaussian();
            norm += (double) v[i] * v[i];
        }
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) (v[i] / Math.sqrt(norm));
        }
        return v;
    }
}
