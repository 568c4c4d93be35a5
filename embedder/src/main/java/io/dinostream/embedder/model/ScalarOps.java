package io.dinostream.embedder.model;

import ai.djl.ndarray.NDArray;

/**
 * Multiplication, division and powers by a Java number that are safe under autograd.
 *
 * <p>Why: DJL's PyTorch engine implements {@code x.mul(2f)} (likewise {@code div} and {@code pow}) by
 * wrapping the number in a tensor that points into a Java direct buffer, running the operation, and
 * closing the wrapper. Autograd keeps that scalar tensor to compute the gradient later, but its memory now
 * belongs to a buffer that the garbage collector may free (and the allocator reuse) before the backward
 * pass: the gradient then reads whatever is there. In training this showed as rare, unreproducible Inf/NaN
 * gradients and last-bit differences between identical runs. Here the scalar is a PyTorch-owned copy,
 * which autograd keeps alive for as long as it needs it. ({@code add} and {@code sub} by a number are safe:
 * their backward does not read the number.)
 */
public final class ScalarOps {
    private ScalarOps() {}

    public static NDArray mul(NDArray x, float value) {
        try (NDArray scalar = scalarLike(x, value)) {
            return x.mul(scalar);
        }
    }

    public static NDArray div(NDArray x, float value) {
        try (NDArray scalar = scalarLike(x, value)) {
            return x.div(scalar);
        }
    }

    /** A 0-dimensional PyTorch-owned array holding {@code value}, on {@code x}'s manager and device. */
    static NDArray scalarLike(NDArray x, float value) {
        NDArray staged = x.getManager().create(value);
        if (!staged.getDevice().equals(x.getDevice())) {
            try (staged) {
                return staged.toDevice(x.getDevice(), true);
            }
        }
        return NativeArrays.own(staged);
    }
}
