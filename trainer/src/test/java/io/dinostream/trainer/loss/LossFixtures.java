package io.dinostream.trainer.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.dinostream.embedder.model.SafeTensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The loss oracles of {@code shared/fixtures/dinov2/losses} as NDArrays, and float comparisons. */
final class LossFixtures implements AutoCloseable {
    /** The fixtures' README: losses within {@code atol 1e-5}; their float32 noise is at most 2.3e-6. */
    static final double ATOL = 1e-5;

    private final NDManager manager;
    private final SafeTensors.Reader inputs;
    private final SafeTensors.Reader outputs;

    LossFixtures(NDManager manager) {
        this.manager = manager;
        Path dir = root().resolve("losses");
        try {
            this.inputs = SafeTensors.open(dir.resolve("inputs.safetensors"));
            this.outputs = SafeTensors.open(dir.resolve("outputs.safetensors"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Property {@code dinostream.fixtures.dinov2}, else {@code shared/fixtures/dinov2} here or above. */
    static Path root() {
        String property = System.getProperty("dinostream.fixtures.dinov2");
        if (property != null) {
            return Path.of(property);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/fixtures/dinov2");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        Path fallback = Path.of("/work/shared/fixtures/dinov2");
        assertTrue(Files.isDirectory(fallback), "DINOv2 fixtures not found (set -Ddinostream.fixtures.dinov2)");
        return fallback;
    }

    NDArray input(String name) {
        return read(inputs, name);
    }

    NDArray output(String name) {
        return read(outputs, name);
    }

    private NDArray read(SafeTensors.Reader reader, String name) {
        SafeTensors.TensorInfo info = reader.info(name);
        Shape shape = new Shape(info.shape());
        switch (info.dtype()) {
            case BOOL, U8 -> {
                ByteBuffer bytes = reader.readBytes(name);
                boolean[] values = new boolean[bytes.remaining()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = bytes.get(i) != 0;
                }
                return manager.create(values, shape);
            }
            case I64 -> {
                ByteBuffer bytes = reader.readBytes(name);
                long[] values = new long[bytes.remaining() / 8];
                bytes.asLongBuffer().get(values);
                return manager.create(values, shape);
            }
            default -> {
                return manager.create(reader.readFloats(name), shape);
            }
        }
    }

    /** Asserts equal shapes and every value within {@link #ATOL}. */
    static void assertClose(String what, NDArray expected, NDArray actual) {
        assertArrayEquals(
                expected.getShape().getShape(),
                actual.getShape().getShape(),
                () -> what + ": shape " + actual.getShape() + ", expected " + expected.getShape());
        float[] e = expected.toType(DataType.FLOAT32, false).toFloatArray();
        float[] a = actual.toType(DataType.FLOAT32, false).toFloatArray();
        double worst = 0;
        int at = -1;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs((double) e[i] - a[i]);
            if (!(d <= worst)) {
                worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                at = i;
            }
        }
        double max = worst;
        int where = at;
        assertTrue(
                max <= ATOL,
                () -> what + ": max abs diff " + max + " > " + ATOL + " at " + where + " (expected " + e[where]
                        + ", got " + a[where] + "); expected "
                        + Arrays.toString(Arrays.copyOf(e, Math.min(4, e.length))));
    }

    @Override
    public void close() throws IOException {
        inputs.close();
        outputs.close();
    }
}
