package io.dinostream.trainer.augment;

import io.dinostream.embedder.image.RgbImage;
import java.util.Random;

/** One random image transform; all randomness comes from the given generator (seeded runs repeat). */
@FunctionalInterface
public interface Augmentation {
    RgbImage apply(RgbImage image, Random random);

    /** This transform with probability {@code p}, else the image unchanged. */
    default Augmentation withProbability(double p) {
        return (image, random) -> random.nextDouble() < p ? apply(image, random) : image;
    }
}
