package io.dinostream.trainer.curate.copies;

import io.dinostream.embedder.image.RgbImage;

/**
 * The grayscale {@value #SIDE}x{@value #SIDE} thumbnail that copy detection compares, row-major, in gray
 * levels (0-255). Fashion-MNIST images are exactly this size; larger images are area-averaged down, so
 * that copies of one photo at different resolutions get the same thumbnail.
 */
public final class Thumbnails {
    public static final int SIDE = 28;
    public static final int PIXELS = SIDE * SIDE;

    private Thumbnails() {}

    public static float[] of(RgbImage image) {
        int w = image.width();
        int h = image.height();
        float[] gray = new float[w * h];
        byte[] rgb = image.rgb();
        for (int p = 0; p < gray.length; p++) {
            gray[p] =
                    0.299f * (rgb[3 * p] & 0xFF) + 0.587f * (rgb[3 * p + 1] & 0xFF) + 0.114f * (rgb[3 * p + 2] & 0xFF);
        }
        if (w == SIDE && h == SIDE) {
            return gray;
        }
        return w >= SIDE && h >= SIDE ? areaAverage(gray, w, h) : Views.resize(gray, w, 0, 0, w, h);
    }

    /** Each thumbnail pixel is the mean of the source pixels its square covers (by fractional overlap). */
    private static float[] areaAverage(float[] gray, int w, int h) {
        float[] out = new float[PIXELS];
        double sx = w / (double) SIDE;
        double sy = h / (double) SIDE;
        for (int ty = 0; ty < SIDE; ty++) {
            double y0 = ty * sy;
            double y1 = y0 + sy;
            for (int tx = 0; tx < SIDE; tx++) {
                double x0 = tx * sx;
                double x1 = x0 + sx;
                double sum = 0;
                for (int y = (int) y0; y < Math.min(h, Math.ceil(y1)); y++) {
                    double wy = Math.min(y1, y + 1) - Math.max(y0, y);
                    for (int x = (int) x0; x < Math.min(w, Math.ceil(x1)); x++) {
                        double wx = Math.min(x1, x + 1) - Math.max(x0, x);
                        sum += wx * wy * gray[y * w + x];
                    }
                }
                out[ty * SIDE + tx] = (float) (sum / (sx * sy));
            }
        }
        return out;
    }
}
