package io.dinostream.trainer.eval;

/**
 * L2-normalised feature vectors of a dataset's first images, with their labels.
 *
 * @param vectors {@code [image][dim]}, each of unit length (zero vectors stay zero)
 */
public record Features(float[][] vectors, int[] labels) {
    public int size() {
        return vectors.length;
    }

    public int dim() {
        return vectors.length == 0 ? 0 : vectors[0].length;
    }

    /** Scales {@code v} to unit length in place (a zero vector stays zero). */
    public static void normalise(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        if (sum > 0) {
            float inv = (float) (1 / Math.sqrt(sum));
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
        }
    }
}
