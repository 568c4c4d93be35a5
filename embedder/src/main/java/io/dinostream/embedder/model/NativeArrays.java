package io.dinostream.embedder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Java values into arrays whose memory PyTorch allocated and owns: for parameters and optimiser state,
 * which live as long as their model.
 *
 * <p>Why: DJL's PyTorch engine makes {@code manager.create(float[])} a tensor that points into a Java
 * direct buffer, kept alive only by that one Java wrapper, and {@code array.set(float[])} does not copy
 * into the tensor but swaps its storage for such a buffer, so any alias taken earlier (a detached view,
 * a tensor saved by autograd) keeps the old values. Arrays made here are copies in PyTorch's own memory,
 * and {@link #overwrite} copies new values into the existing storage, as {@code tensor.copy_} does.
 */
public final class NativeArrays {
    private NativeArrays() {}

    /** A PyTorch-owned array holding {@code values}, attached to {@code manager}. */
    public static NDArray create(NDManager manager, float[] values, Shape shape) {
        try (NDArray staged = manager.create(values, shape)) {
            return staged.duplicate();
        }
    }

    /** A PyTorch-owned copy of {@code staged} (any array made from Java memory), which is closed. */
    public static NDArray own(NDArray staged) {
        try (staged) {
            return staged.duplicate();
        }
    }

    /** Copies {@code values} into {@code target}'s own memory, keeping its storage (unlike {@code set}). */
    public static void overwrite(NDArray target, float[] values) {
        if (values.length != target.size()) {
            throw new IllegalArgumentException(
                    "expected " + target.size() + " values for " + target.getShape() + ", got " + values.length);
        }
        try (NDArray staged = target.getManager().create(values, target.getShape())) {
            target.set(new NDIndex("..."), staged);
        }
    }
}
