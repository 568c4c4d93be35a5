package io.dinostream.trainer.data;

import io.dinostream.embedder.image.RgbImage;

/** Images addressed by index, with a class label where one is known (evaluation only). */
public interface ImageDataset {
    int size();

    RgbImage image(int index);

    /** The class of image {@code index}, or -1 when unlabelled. */
    int label(int index);

    /** The image's name in a curation manifest: its file name, record key, or index. */
    default String name(int index) {
        return Integer.toString(index);
    }

    /** A short description, e.g. {@code fashion-mnist:train (60000 images)}. */
    String describe();
}
