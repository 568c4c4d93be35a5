package io.dinostream.trainer.data;

import io.dinostream.embedder.image.RgbImage;

/** Some images of another dataset, by index, in the given order: what a curation manifest keeps. */
public final class SubsetDataset implements ImageDataset {
    private final ImageDataset base;
    private final int[] indices;
    private final String description;

    public SubsetDataset(ImageDataset base, int[] indices, String description) {
        for (int i : indices) {
            if (i < 0 || i >= base.size()) {
                throw new IllegalArgumentException(
                        "index " + i + " is outside " + base.describe() + " (" + base.size() + " images)");
            }
        }
        this.base = base;
        this.indices = indices.clone();
        this.description = description;
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public RgbImage image(int index) {
        return base.image(indices[index]);
    }

    @Override
    public int label(int index) {
        return base.label(indices[index]);
    }

    @Override
    public String name(int index) {
        return base.name(indices[index]);
    }

    @Override
    public String describe() {
        return description + " (" + size() + " of " + base.describe() + ")";
    }
}
