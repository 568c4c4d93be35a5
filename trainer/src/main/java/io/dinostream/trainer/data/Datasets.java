package io.dinostream.trainer.data;

import java.io.IOException;

/** Resolves a dataset name given on the command line. */
public final class Datasets {
    private Datasets() {}

    /**
     * @param spec {@code fashion-mnist:train}, {@code fashion-mnist:test} or {@code dir:PATH} (the PNG and
     *     JPEG files of a directory, in name order)
     */
    public static ImageDataset open(String spec) throws IOException {
        if (spec.startsWith("fashion-mnist:")) {
            return FashionMnistImages.load(spec.substring("fashion-mnist:".length()));
        }
        if (spec.startsWith("dir:")) {
            return ImageDirectory.open(java.nio.file.Path.of(spec.substring("dir:".length())));
        }
        throw new IllegalArgumentException(
                "unknown dataset '" + spec + "': use fashion-mnist:train, fashion-mnist:test or dir:PATH");
    }
}
