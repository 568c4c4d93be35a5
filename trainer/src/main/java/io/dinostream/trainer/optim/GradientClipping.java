package io.dinostream.trainer.optim;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * PyTorch's {@code clip_grad_norm_}: if the L2 norm of all gradients together exceeds {@code maxNorm},
 * every gradient is scaled in place by {@code maxNorm / (norm + 1e-6)}. DJL's own {@code optClipGrad}
 * clips element-wise, which changes the gradient's direction; DINOv2 clips at 3.0.
 */
public final class GradientClipping {
    private GradientClipping() {}

    /** Clips in place; returns the norm before clipping. */
    public static double clipGlobalNorm(List<NDArray> gradients, double maxNorm) {
        double squares = 0;
        for (NDArray g : gradients) {
            // Every temporary closed here: this runs once a step, often outside a step's NDScope.
            try (NDArray square = g.pow(2);
                    NDArray sum = square.sum()) {
                squares += sum.toFloatArray()[0];
            }
        }
        double norm = Math.sqrt(squares);
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1) {
            for (NDArray g : gradients) {
                g.muli((float) coefficient);
            }
        }
        return norm;
    }
}
