package io.dinostream.embedder.image;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Locates the shared DINOv2 oracle fixtures (outside the repository; see shared/fixtures/dinov2/README.md). */
final class Fixtures {
    private Fixtures() {}

    /**
     * The {@code dinov2} fixture directory: system property {@code dinostream.fixtures.dinov2}, else a
     * {@code shared/fixtures/dinov2} in the working directory or a parent, else {@code /work/shared/...}.
     */
    static Optional<Path> dinov2() {
        String property = System.getProperty("dinostream.fixtures.dinov2");
        if (property != null) {
            return Optional.of(Path.of(property)).filter(Files::isDirectory);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/fixtures/dinov2");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.of(Path.of("/work/shared/fixtures/dinov2")).filter(Files::isDirectory);
    }
}
