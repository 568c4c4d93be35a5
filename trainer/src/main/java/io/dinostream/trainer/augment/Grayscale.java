package io.dinostream.trainer.augment;

import io.dinostream.embedder.image.RgbImage;
import java.util.Random;

/**
 * PIL's {@code convert("L")} replicated to three channels: {@code L = (299 R + 587 G + 114 B) / 1000},
 * rounded as PIL rounds ({@code (R*19595 + G*38470 + B*7471 + 0x8000) >> 16}).
 */
public final class Grayscale implements Augmentation {
    static int luma(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }

    @Override
    public RgbImage apply(RgbImage image, Random random) {
        byte[] in = image.rgb();
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i += 3) {
            byte l = (byte) luma(in[i] & 0xFF, in[i + 1] & 0xFF, in[i + 2] & 0xFF);
            out[i] = l;
            out[i + 1] = l;
            out[i + 2] = l;
        }
        return new RgbImage(image.width(), image.height(), out);
    }
}
