package io.dinostream.trainer.curate.pool;

import io.dinostream.embedder.image.RgbImage;
import io.dinostream.trainer.data.ImageDataset;

/** A generated pool: its images in pool order, with their ground truth. Labels are the truth's. */
public final class UncuratedPool implements ImageDataset {
    private final RgbImage[] images;
    private final PoolTruth truth;
    private final String description;

    UncuratedPool(RgbImage[] images, PoolTruth truth, String description) {
        this.images = images;
        this.truth = truth;
        this.description = description;
    }

    public PoolTruth truth() {
        return truth;
    }

    @Override
    public int size() {
        return images.length;
    }

    @Override
    public RgbImage image(int index) {
        return images[index];
    }

    @Override
    public int label(int index) {
        return truth.labels()[index];
    }

    @Override
    public String describe() {
        return description;
    }
}
