package io.dinostream.trainer.curate.pool;

import io.dinostream.embedder.image.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A pool on disk: {@code 000000.png}, {@code 000001.png}, ... in pool order (readable as {@code dir:DIR})
 * and {@code truth.csv}, the ground truth.
 */
public final class PoolFiles {
    public static final String TRUTH_FILE = "truth.csv";

    private PoolFiles() {}

    public static void write(UncuratedPool pool, Path dir) throws IOException {
        Files.createDirectories(dir);
        int digits = Math.max(6, String.valueOf(pool.size() - 1).length());
        for (int i = 0; i < pool.size(); i++) {
            RgbImage image = pool.image(i);
            Path file = dir.resolve(String.format("%0" + digits + "d.png", i));
            if (!ImageIO.write(NearCopies.toBuffered(image), "png", file.toFile())) {
                throw new IOException("no PNG writer for " + file);
            }
        }
        pool.truth().write(dir.resolve(TRUTH_FILE));
    }

    /** The ground truth of a pool directory. */
    public static PoolTruth truth(Path dir) throws IOException {
        return PoolTruth.read(dir.resolve(TRUTH_FILE));
    }
}
