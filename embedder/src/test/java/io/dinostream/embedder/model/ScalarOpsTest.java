package io.dinostream.embedder.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

class ScalarOpsTest {
    /**
     * Between the forward and the backward pass, the JVM collects garbage and hands out direct buffers full
     * of NaN; the gradients of {@code 3x + x / 4} still come out exactly 3.25, because the scalars autograd
     * kept are PyTorch's.
     */
    @Test
    void gradientsSurviveGarbageCollectionBetweenForwardAndBackward() {
        float[] grad = gradientAfterChurn((x, v) -> ScalarOps.mul(x, v), (x, v) -> ScalarOps.div(x, v));
        float[] expected = new float[grad.length];
        Arrays.fill(expected, 3.25f);
        assertArrayEquals(expected, grad);
    }

    /**
     * The same churn breaks DJL's own {@code x.mul(3f)} and {@code x.div(4f)}: the check above is sensitive.
     * (If a DJL release fixes this, this test fails, and {@link ScalarOps} can go.)
     */
    @Test
    void theChurnReachesTheHazardInDjlsOwnScalarOperations() {
        boolean corrupted = false;
        for (int attempt = 0; attempt < 3 && !corrupted; attempt++) {
            float[] grad = gradientAfterChurn((x, v) -> x.mul(v), (x, v) -> x.div(v));
            for (float g : grad) {
                corrupted |= g != 3.25f;
            }
        }
        assertTrue(corrupted, "DJL's scalar operands survived the churn");
    }

    /** Values copied in place: a view taken before sees them (DJL's {@code set(float[])} would not). */
    @Test
    void overwriteCopiesIntoTheExistingStorage() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray a = NativeArrays.create(manager, new float[] {1, 2, 3, 4}, new Shape(2, 2));
            NDArray view = a.stopGradient();
            NativeArrays.overwrite(a, new float[] {5, 6, 7, 8});
            assertArrayEquals(new float[] {5, 6, 7, 8}, a.toFloatArray());
            assertArrayEquals(new float[] {5, 6, 7, 8}, view.toFloatArray());
        }
    }

    static float[] gradientAfterChurn(
            BiFunction<NDArray, Float, NDArray> mul, BiFunction<NDArray, Float, NDArray> div) {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray x = NativeArrays.create(manager, new float[] {1, -2, 3, 0.5f}, new Shape(4));
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = mul.apply(x, 3f).add(div.apply(x, 4f)).sum();
                churn(manager);
                collector.backward(y);
            }
            return x.getGradient().toFloatArray();
        }
    }

    /** Frees what is unreachable and reuses the memory for NaN-filled scalars and buffers. */
    private static void churn(NDManager manager) {
        for (int round = 0; round < 5; round++) {
            System.gc();
            List<ByteBuffer> held = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4 + (i % 4) * 4);
                while (b.hasRemaining()) {
                    b.put((byte) 0xFF);
                }
                held.add(b);
                try (NDArray nan = manager.create(Float.NaN)) {
                    nan.getFloat();
                }
            }
            held.clear();
        }
    }
}
