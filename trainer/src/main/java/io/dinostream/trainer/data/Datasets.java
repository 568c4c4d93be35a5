package io.dinostream.trainer.data;

import java.io.IOException;

/** Resolves a dataset name given on the command line. */
public final class Datasets {
    private Datasets() {}

    /**
     * @param spec {@code fashion-mnist:train}, {@code fashion-mnist:test} or {@code dir:PATH} (the PNG and
     *     JPEG files of a directory, in name order) or {@code manifest:FILE} (the images a curation kept, from
     *     the pool the manifest names)
     */
    public static ImageDataset open(String spec) throws IOException {
        if (spec.startsWith("fashion-mnist:")) {
            return FashionMnistImages.load(spec.substring("fashion-mnist:".length()));
        }
        if (spec.startsWith("manifest:")) {
            java.nio.file.Path file = java.nio.file.Path.of(spec.substring("manifest:".length()));
            io.dinostream.trainer.curate.CurationManifest manifest =
                    io.dinostream.trainer.curate.CurationManifest.read(file);
            if (manifest.poolSpec().startsWith("manifest:")) {
                throw new IllegalArgumentException(file + " names another manifest as its pool");
            }
            return new SubsetDataset(open(manifest.poolSpec()), manifest.kept(), spec);
        }
        if (spec.startsWith("dir:")) {
            return ImageDirectory.open(java.nio.file.Path.of(spec.substring("dir:".length())));
        }
        throw new IllegalArgumentException("unknown dataset '" + spec
                + "': use fashion-mnist:train, fashion-mnist:test, dir:PATH or manifest:FILE");
    }
}
