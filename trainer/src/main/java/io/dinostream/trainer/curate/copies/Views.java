package io.dinostream.trainer.curate.copies;

import java.util.ArrayList;
import java.util.List;

/**
 * Views of a thumbnail under the alterations a copy may have undergone: the mirror image and crops
 * resized back to the full thumbnail. Comparing a view of the original with a copy undoes the alteration.
 * Crops cover {@value #SMALLEST_CROP} of a side and more, the range near-copies are cut to.
 */
public final class Views {
    /** The smallest crop a copy is expected to be, as a share of the side. */
    public static final double SMALLEST_CROP = 0.84;

    private Views() {}

    /**
     * The views verification compares: identity, mirror, and every crop of each integer size from
     * {@link #SMALLEST_CROP} of the side up, at every integer offset.
     */
    public static List<float[]> forVerification(float[] thumbnail) {
        List<float[]> views = new ArrayList<>();
        views.add(thumbnail);
        views.add(mirror(thumbnail));
        int side = Thumbnails.SIDE;
        for (int size = smallestCrop(); size < side; size++) {
            for (int y = 0; y + size <= side; y++) {
                for (int x = 0; x + size <= side; x++) {
                    views.add(resize(thumbnail, side, x, y, size, size));
                }
            }
        }
        return views;
    }

    static int smallestCrop() {
        return (int) Math.round(SMALLEST_CROP * Thumbnails.SIDE);
    }

    public static float[] mirror(float[] thumbnail) {
        int side = Thumbnails.SIDE;
        float[] out = new float[thumbnail.length];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                out[y * side + x] = thumbnail[y * side + side - 1 - x];
            }
        }
        return out;
    }

    /**
     * The window {@code (x0, y0, w, h)} of an image {@code stride} pixels wide, resized bilinearly to a
     * full thumbnail. Pixel centres map onto pixel centres, as in Java2D's bilinear scaling that made the
     * crops, and samples outside the window are clamped to its edge.
     */
    static float[] resize(float[] image, int stride, int x0, int y0, int w, int h) {
        int side = Thumbnails.SIDE;
        float[] out = new float[Thumbnails.PIXELS];
        for (int ty = 0; ty < side; ty++) {
            float sy = clamp((ty + 0.5f) * h / side - 0.5f, h - 1);
            int iy = (int) sy;
            int iy1 = Math.min(iy + 1, h - 1);
            float fy = sy - iy;
            for (int tx = 0; tx < side; tx++) {
                float sx = clamp((tx + 0.5f) * w / side - 0.5f, w - 1);
                int ix = (int) sx;
                int ix1 = Math.min(ix + 1, w - 1);
                float fx = sx - ix;
                float top = lerp(image[(y0 + iy) * stride + x0 + ix], image[(y0 + iy) * stride + x0 + ix1], fx);
                float bottom = lerp(image[(y0 + iy1) * stride + x0 + ix], image[(y0 + iy1) * stride + x0 + ix1], fx);
                out[ty * side + tx] = lerp(top, bottom, fy);
            }
        }
        return out;
    }

    private static float clamp(float v, int max) {
        return Math.max(0, Math.min(max, v));
    }

    private static float lerp(float a, float b, float t) {
        return a + (b - a) * t;
    }
}
