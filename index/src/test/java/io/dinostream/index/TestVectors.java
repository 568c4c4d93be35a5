package io.dinostream.index;

import java.util.SplittableRandom;

/** Seeded random vectors for the index tests. */
public final class TestVectors {
    private TestVectors() {}

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
