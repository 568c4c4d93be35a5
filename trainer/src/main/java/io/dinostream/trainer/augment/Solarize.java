package io.dinostream.trainer.augment;

import io.dinostream.embedder.image.RgbImage;
import java.util.Random;

/** PIL's {@code ImageOps.solarize(threshold=128)}: every value at or above the threshold is inverted. */
public final class Solarize implements Augmentation {
    private final int threshold;

    public Solarize(int threshold) {
        this.threshold = threshold;
    }

    @Override
    public RgbImage apply(RgbImage image, Random random) {
        byte[] in = image.rgb();
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            int v = in[i] & 0xFF;
            out[i] = (byte) (v >= threshold ? 255 - v : v);
        }
        return new RgbImage(image.width(), image.height(), out);
    }
}
