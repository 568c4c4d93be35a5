package io.dinostream.trainer.curate.copies;

/**
 * Normalised cross-correlation: a vector minus its mean, scaled to unit length, so that the dot product of
 * two such vectors is their correlation (1 for the same picture under any brightness and contrast).
 */
public final class Ncc {
    private static final double FLAT = 1e-6;

    private Ncc() {}

    /** The centred, unit-length copy of {@code v}; all zeros for a flat (constant) vector. */
    public static float[] normalised(float[] v) {
        double mean = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= v.length;
        double norm = 0;
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] - mean);
            norm += out[i] * out[i];
        }
        norm = Math.sqrt(norm);
        if (norm < FLAT) {
            return new float[v.length];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= norm;
        }
        return out;
    }

    public static float dot(float[] a, float[] b) {
        float sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
