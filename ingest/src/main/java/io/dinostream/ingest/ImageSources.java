package io.dinostream.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Resolves a source spec given on the command line to the images it names. */
public final class ImageSources {
    private static final String FASHION_MNIST = "fashion-mnist:";

    private ImageSources() {}

    /**
     * Resolves {@code spec}: {@code fashion-mnist:train}, {@code fashion-mnist:test} (from Debian's
     * dataset package), or a file or directory path.
     *
     * @param limit at most this many images
     */
    public static List<ImageCandidate> resolve(String spec, int limit) throws IOException {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        List<ImageCandidate> candidates;
        if (spec.startsWith(FASHION_MNIST)) {
            candidates = FashionMnist.load(FashionMnist.DEFAULT_DIR, spec.substring(FASHION_MNIST.length()))
                    .candidates(limit);
        } else {
            candidates = FileSources.of(Path.of(spec));
        }
        return candidates.size() <= limit ? candidates : candidates.subList(0, limit);
    }
}
