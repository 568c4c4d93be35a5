package io.dinostream.trainer.augment;

import io.dinostream.embedder.image.RgbImage;
import java.util.Random;

/** Mirrors the image left to right (use {@link #withProbability}: the reference flips half the time). */
public final class HorizontalFlip implements Augmentation {
    @Override
    public RgbImage apply(RgbImage image, Random random) {
        int w = image.width();
        byte[] in = image.rgb();
        byte[] out = new byte[in.length];
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < w; x++) {
                System.arraycopy(in, (y * w + x) * 3, out, (y * w + (w - 1 - x)) * 3, 3);
            }
        }
        return new RgbImage(w, image.height(), out);
    }
}
