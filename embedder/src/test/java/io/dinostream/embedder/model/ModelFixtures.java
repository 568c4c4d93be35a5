package io.dinostream.embedder.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Locates the DINOv2 oracle fixtures and compares tensors against them. */
public final class ModelFixtures {
    private ModelFixtures() {}

    /**
     * The {@code dinov2} fixture directory: system property {@code dinostream.fixtures.dinov2}, else
     * {@code shared/fixtures/dinov2} in the working directory or a parent, else {@code
     * /work/shared/fixtures/dinov2}. Fails (does not skip) when none exists.
     */
    public static Path root() {
        String property = System.getProperty("dinostream.fixtures.dinov2");
        if (property != null) {
            return existing(Path.of(property));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/fixtures/dinov2");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return existing(Path.of("/work/shared/fixtures/dinov2"));
    }

    private static Path existing(Path p) {
        assertTrue(Files.isDirectory(p), "DINOv2 fixtures not found at " + p + " (set -Ddinostream.fixtures.dinov2)");
        return p;
    }

    /** Max abs difference; asserts equal shapes and {@code <= atol}; returns the difference. */
    static double assertClose(
            String what, long[] expectedShape, float[] expected, long[] actualShape, float[] actual, double atol) {
        assertArrayEquals(
                expectedShape,
                actualShape,
                () -> what + ": shape " + Arrays.toString(actualShape) + ", expected "
                        + Arrays.toString(expectedShape));
        double max = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) expected[i] - actual[i]);
            if (!(d <= max)) { // also catches NaN
                max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                at = i;
            }
        }
        final double worst = max;
        final int where = at;
        assertTrue(
                worst <= atol,
                () -> what + ": max abs diff " + worst + " > " + atol + " at flat index " + where + " (expected "
                        + expected[where] + ", got " + actual[where] + ")");
        return worst;
    }
}
