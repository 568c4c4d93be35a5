package io.dinostream.trainer.curate.copies;

/**
 * A [1 2 1] / 4 blur along both axes of a thumbnail, edges clamped. Comparing blurred thumbnails ignores
 * what copying adds pixel by pixel (noise, JPEG blocks) and keeps what tells two pictures apart (shapes).
 */
public final class Blur {
    private Blur() {}

    /** {@code passes} blurs in a row (0 returns the thumbnail itself). */
    public static float[] of(float[] thumbnail, int passes) {
        float[] out = thumbnail;
        for (int p = 0; p < passes; p++) {
            out = along(along(out, 1), Thumbnails.SIDE);
        }
        return out;
    }

    /** One pass along rows ({@code step} 1) or columns ({@code step} the side). */
    private static float[] along(float[] image, int step) {
        int side = Thumbnails.SIDE;
        float[] out = new float[image.length];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int at = step == 1 ? x : y;
                int p = y * side + x;
                float before = image[at > 0 ? p - step : p];
                float after = image[at < side - 1 ? p + step : p];
                out[p] = (before + 2 * image[p] + after) / 4;
            }
        }
        return out;
    }
}
