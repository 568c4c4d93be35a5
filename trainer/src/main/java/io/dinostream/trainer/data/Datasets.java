package io.dinostream.trainer.data;

import java.io.IOException;

/** Resolves a dataset name given on the command line. */
public final class Datasets {
    private Datasets() {}

    /**
     * @param spec {@code fashion-mnist:train} or {@code fashion-mnist:test}
     */
    public static ImageDataset open(String spec) throws IOException {
        if (spec.startsWith("fashion-mnist:")) {
            return FashionMnistImages.load(spec.substring("fashion-mnist:".length()));
        }
        throw new IllegalArgumentException(
                "unknown dataset '" + spec + "': use fashion-mnist:train or fashion-mnist:test");
    }
}
