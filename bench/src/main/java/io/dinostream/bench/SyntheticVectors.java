package io.dinostream.bench;

import java.util.Random;

/**
 * Seeded unit vectors for index benchmarks. With {@code clusters > 0}, a mixture of that many Gaussian
 * clusters (random centres, noise 0.6 per coordinate before normalising): image embeddings are clustered
 * like this, and approximate indexes behave on it as on real data. With 0, uniform on the sphere: the
 * worst case for every approximate index, and no image model produces it.
 */
final class SyntheticVectors {
    private static final double NOISE = 0.6;

    private final int dimension;
    private final float[][] centres;
    private final Random random;

    SyntheticVectors(int dimension, int clusters, long seed) {
        this.dimension = dimension;
        this.random = new Random(seed);
        this.centres = new float[clusters][dimension];
        for (float[] centre : centres) {
            for (int i = 0; i < dimension; i++) {
                centre[i] = (float) random.nextGaussian();
            }
        }
    }

    /** The next vector, L2-normalised. */
    float[] next() {
        float[] v = new float[dimension];
        float[] centre = centres.length == 0 ? null : centres[random.nextInt(centres.length)];
        double norm = 0;
        for (int i = 0; i < dimension; i++) {
            v[i] = centre == null ? (float) random.nextGaussian() : centre[i] + (float) (NOISE * random.nextGaussian());
            norm += v[i] * v[i];
        }
        for (int i = 0; i < dimension; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }
}
