package io.dinostream.embedder.image;

import java.util.concurrent.ConcurrentHashMap;

/**
 * PIL's (Pillow 9.x {@code Resample.c}) bicubic resize of 8-bit images, reproduced operation for
 * operation so that the output bytes are identical:
 *
 * <ul>
 *   <li>cubic kernel with {@code a = -0.5}, support 2; when downscaling the support is multiplied by
 *       the scale factor (antialiasing), when upscaling it stays 2;
 *   <li>per output index {@code center = (i + 0.5) * scale}, taps {@code [(int)(center - support + 0.5),
 *       (int)(center + support + 0.5))} clamped to the image, weights normalised to sum 1 in double;
 *   <li>weights converted to 22-bit fixed point ({@code (int)(w * 2^22 +- 0.5)}), accumulated from
 *       {@code 2^21} (rounding), then shifted and clipped to 0-255;
 *   <li>horizontal pass first into a uint8 intermediate covering only the source rows the vertical
 *       pass needs; a pass is skipped when its size does not change.
 * </ul>
 *
 * <p>The resize can be restricted to a window of the output ({@code crop*}): each output pixel depends
 * only on its own taps, so computing a window is bit-identical to resizing everything and cropping.
 * Thread-safe; coefficient tables are cached per (input size, output size).
 */
public final class PilBicubic {
    static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 2.0;
    private static final int MAX_CACHED = 4096;
    private static final ConcurrentHashMap<Long, Coefficients> CACHE = new ConcurrentHashMap<>();

    private PilBicubic() {}

    /** Fixed-point taps of a 1-D resize: output {@code i} reads {@code count[i]} inputs from {@code first[i]}. */
    record Coefficients(int ksize, int[] first, int[] count, int[] weights) {}

    static double filter(double x) {
        final double a = -0.5;
        if (x < 0.0) {
            x = -x;
        }
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    /** PIL's {@code precompute_coeffs} + {@code normalize_coeffs_8bpc} for box {@code [0, inSize)}. */
    static Coefficients coefficients(int inSize, int outSize) {
        long key = ((long) inSize << 32) | outSize;
        Coefficients cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        double scale = (double) ((float) inSize - 0.0f) / outSize;
        double filterscale = Math.max(scale, 1.0);
        double support = SUPPORT * filterscale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[outSize * ksize];
        double[] k = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = 0.0 + (xx + 0.5) * scale;
            double ww = 0.0;
            double ss = 1.0 / filterscale;
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            for (int x = 0; x < xmax; x++) {
                double w = filter((x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++) {
                if (ww != 0.0) {
                    k[x] /= ww;
                }
                double pre = k[x];
                weights[xx * ksize + x] = pre < 0
                        ? (int) (-0.5 + pre * (1 << PRECISION_BITS))
                        : (int) (0.5 + pre * (1 << PRECISION_BITS));
            }
            first[xx] = xmin;
            count[xx] = xmax;
        }
        Coefficients computed = new Coefficients(ksize, first, count, weights);
        if (CACHE.size() < MAX_CACHED) {
            CACHE.putIfAbsent(key, computed);
        }
        return computed;
    }

    private static int clip8(int in) {
        if (in >= (1 << PRECISION_BITS << 8)) {
            return 255;
        }
        if (in <= 0) {
            return 0;
        }
        return in >> PRECISION_BITS;
    }

    /** Resizes the whole image to {@code outWidth x outHeight}. */
    public static RgbImage resize(RgbImage image, int outWidth, int outHeight) {
        byte[] out = resizeWindow(
                image.rgb(), image.width(), image.height(), 3, outWidth, outHeight, 0, 0, outWidth, outHeight);
        return new RgbImage(outWidth, outHeight, out);
    }

    /**
     * Resizes interleaved 8-bit pixels ({@code channels} per pixel) to {@code outWidth x outHeight} and
     * returns only the window {@code [left, left+width) x [top, top+height)} of the result, interleaved.
     */
    static byte[] resizeWindow(
            byte[] in,
            int inWidth,
            int inHeight,
            int channels,
            int outWidth,
            int outHeight,
            int left,
            int top,
            int width,
            int height) {
        if (outWidth <= 0 || outHeight <= 0) {
            throw new IllegalArgumentException("output size must be positive, got " + outWidth + "x" + outHeight);
        }
        if (left < 0 || top < 0 || width <= 0 || height <= 0 || left + width > outWidth || top + height > outHeight) {
            throw new IllegalArgumentException("window " + width + "x" + height + "+" + left + "+" + top
                    + " is not inside " + outWidth + "x" + outHeight);
        }
        boolean horizontal = outWidth != inWidth;
        boolean vertical = outHeight != inHeight;

        // Source rows the vertical pass needs for the output rows of the window.
        Coefficients vc = vertical ? coefficients(inHeight, outHeight) : null;
        int rowFirst;
        int rowEnd;
        if (vertical) {
            rowFirst = vc.first()[top];
            rowEnd = vc.first()[top + height - 1] + vc.count()[top + height - 1];
        } else {
            rowFirst = top;
            rowEnd = top + height;
        }

        // Horizontal pass (or a plain column window) into tmp: rows [rowFirst, rowEnd), columns of the window.
        int tmpRows = rowEnd - rowFirst;
        byte[] tmp = new byte[tmpRows * width * channels];
        if (horizontal) {
            Coefficients hc = coefficients(inWidth, outWidth);
            int ksize = hc.ksize();
            int[] weights = hc.weights();
            int half = 1 << (PRECISION_BITS - 1);
            for (int y = 0; y < tmpRows; y++) {
                int rowBase = (rowFirst + y) * inWidth;
                int o = y * width * channels;
                for (int xx = left; xx < left + width; xx++) {
                    int xmin = hc.first()[xx];
                    int n = hc.count()[xx];
                    int kBase = xx * ksize;
                    for (int c = 0; c < channels; c++) {
                        int ss = half;
                        int i = (rowBase + xmin) * channels + c;
                        for (int x = 0; x < n; x++, i += channels) {
                            ss += (in[i] & 0xFF) * weights[kBase + x];
                        }
                        tmp[o++] = (byte) clip8(ss);
                    }
                }
            }
        } else {
            for (int y = 0; y < tmpRows; y++) {
                System.arraycopy(
                        in, ((rowFirst + y) * inWidth + left) * channels, tmp, y * width * channels, width * channels);
            }
        }
        if (!vertical) {
            return tmp; // rows [top, top+height) exactly
        }

        // Vertical pass over tmp.
        byte[] out = new byte[width * height * channels];
        int ksize = vc.ksize();
        int[] weights = vc.weights();
        int half = 1 << (PRECISION_BITS - 1);
        int rowStride = width * channels;
        int[] acc = new int[rowStride];
        for (int yy = 0; yy < height; yy++) {
            int outRow = top + yy;
            int ymin = vc.first()[outRow] - rowFirst;
            int n = vc.count()[outRow];
            int kBase = outRow * ksize;
            java.util.Arrays.fill(acc, half);
            for (int y = 0; y < n; y++) {
                int w = weights[kBase + y];
                int base = (ymin + y) * rowStride;
                for (int i = 0; i < rowStride; i++) {
                    acc[i] += (tmp[base + i] & 0xFF) * w;
                }
            }
            int o = yy * rowStride;
            for (int i = 0; i < rowStride; i++) {
                out[o + i] = (byte) clip8(acc[i]);
            }
        }
        return out;
    }
}
