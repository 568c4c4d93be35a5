package io.dinostream.embedder.model;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The 1-D resampling matrices behind the official {@code interpolate_pos_encoding}: PyTorch's {@code
 * F.interpolate(mode="bicubic", align_corners=False)} on the (M, M) positional-embedding grid, written
 * out as a separable linear map so that it is exact, cached per size and differentiable (the 2-D result
 * is {@code Wh · P · Wwᵀ} per channel, computed with engine matmuls on the pos-embed parameter).
 *
 * <p>Two modes, as in the official code:
 *
 * <ul>
 *   <li>{@code offset > 0} (plain models, offset 0.1): {@code scale_factor=(n0+offset)/M} is passed,
 *       so output index {@code d} reads source coordinate {@code (d+0.5)*M/(n0+offset) - 0.5} (not
 *       {@code M/n0}); output size {@code floor(M*(n0+offset)/M) = n0}.
 *   <li>{@code offset == 0} (register models): {@code size=n0}, scale {@code M/n0}.
 * </ul>
 *
 * Without antialias: cubic convolution with {@code A = -0.75}, four taps at {@code floor(x)-1 ..
 * floor(x)+2}, indices clamped to {@code [0, M-1]} (PyTorch's {@code upsample_bicubic2d}). With
 * antialias ({@code _upsample_bicubic2d_aa}, PIL style): Keys kernel with {@code a = -0.5}, support
 * {@code 2*max(scale,1)}, taps centred at {@code scale*(d+0.5)}, weights normalised to sum 1. All
 * arithmetic is float32 as in PyTorch's CPU kernels.
 */
public final class PosEmbedInterpolation {
    private static final float A_BICUBIC = -0.75f;
    private static final float A_ANTIALIAS = -0.5f;

    private record Key(int in, int out, double offset, boolean antialias) {}

    private static final Map<Key, float[]> CACHE = new ConcurrentHashMap<>();

    private PosEmbedInterpolation() {}

    /**
     * The row-major {@code (outSize, inSize)} matrix mapping an input line of {@code inSize} samples to
     * {@code outSize} samples. The returned array is shared: do not modify it.
     */
    public static float[] matrix(int inSize, int outSize, double offset, boolean antialias) {
        if (inSize <= 0 || outSize <= 0) {
            throw new IllegalArgumentException("sizes must be positive, got " + inSize + " -> " + outSize);
        }
        return CACHE.computeIfAbsent(new Key(inSize, outSize, offset, antialias), PosEmbedInterpolation::compute);
    }

    private static float[] compute(Key key) {
        int in = key.in();
        int out = key.out();
        float scale;
        if (key.offset() > 0) {
            double sf = (out + key.offset()) / in;
            long produced = (long) Math.floor(in * sf);
            if (produced != out) {
                throw new IllegalStateException("scale factor " + sf + " on " + in + " gives " + produced
                        + " samples, expected " + out + " (official assert)");
            }
            scale = (float) (1.0 / sf);
        } else {
            scale = (float) in / (float) out;
        }
        float[] w = new float[out * in];
        if (key.antialias()) {
            antialiased(w, in, out, scale);
        } else {
            bicubic(w, in, out, scale);
        }
        return w;
    }

    private static void bicubic(float[] w, int in, int out, float scale) {
        float[] c = new float[4];
        for (int d = 0; d < out; d++) {
            float real = scale * (d + 0.5f) - 0.5f;
            int idx = Math.min((int) Math.floor(real), in - 1);
            float t = Math.min(Math.max(real - idx, 0f), 1f);
            c[0] = cubic2(t + 1f, A_BICUBIC);
            c[1] = cubic1(t, A_BICUBIC);
            c[2] = cubic1(1f - t, A_BICUBIC);
            c[3] = cubic2((1f - t) + 1f, A_BICUBIC);
            for (int j = 0; j < 4; j++) {
                int src = Math.max(Math.min(idx - 1 + j, in - 1), 0);
                w[d * in + src] += c[j];
            }
        }
    }

    private static void antialiased(float[] w, int in, int out, float scale) {
        float support = scale >= 1f ? 2f * scale : 2f;
        float invscale = scale >= 1f ? 1f / scale : 1f;
        for (int d = 0; d < out; d++) {
            float center = scale * (d + 0.5f);
            int xmin = Math.max((int) (center - support + 0.5f), 0);
            int xsize = Math.min((int) (center + support + 0.5f), in) - xmin;
            float[] taps = new float[Math.max(xsize, 0)];
            float total = 0f;
            for (int j = 0; j < xsize; j++) {
                float v = aaFilter((j + xmin - center + 0.5f) * invscale);
                taps[j] = v;
                total += v;
            }
            for (int j = 0; j < xsize; j++) {
                w[d * in + xmin + j] = total != 0f ? taps[j] / total : taps[j];
            }
        }
    }

    private static float aaFilter(float x) {
        float a = Math.abs(x);
        if (a < 1f) {
            return cubic1(a, A_ANTIALIAS);
        }
        if (a < 2f) {
            return cubic2(a, A_ANTIALIAS);
        }
        return 0f;
    }

    // PyTorch's cubic_convolution1 (|x| <= 1) and cubic_convolution2 (1 < |x| < 2).
    private static float cubic1(float x, float a) {
        return ((a + 2) * x - (a + 3)) * x * x + 1;
    }

    private static float cubic2(float x, float a) {
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
    }
}
