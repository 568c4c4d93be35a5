package io.dinostream.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * The KoLeo regulariser ({@code KoLeoLoss}): on L2-normalised CLS features, {@code -mean(log(d_i + eps))}
 * where {@code d_i} is the distance from feature i to its nearest other feature in the batch. It pushes
 * features apart, spreading them over the sphere (Kozachenko-Leonenko entropy estimator). Nearest
 * neighbours are found by the largest dot product with the diagonal excluded, as in the reference, and the
 * distance is PyTorch's {@code PairwiseDistance(p=2, eps=1e-8)}: {@code ||a - b + eps||}.
 */
public final class KoLeoLoss {
    static final float EPS = 1e-8f;

    /** The loss of a {@code (B, D)} batch. */
    public NDArray loss(NDArray features) {
        NDArray normalised = normalise(features);
        NDArray neighbours = nearestNeighbours(normalised);
        NDArray distances = normalised
                .sub(normalised.get(new NDIndex("{}", neighbours)))
                .add(EPS)
                .square()
                .sum(new int[] {-1})
                .sqrt();
        return distances.add(EPS).log().mean().neg();
    }

    /** {@code F.normalize(x, p=2, dim=-1, eps)}: each row divided by {@code max(||row||, eps)}. */
    static NDArray normalise(NDArray x) {
        NDArray norms = x.square().sum(new int[] {-1}, true).add(1e-30f).sqrt().clip(EPS, Float.MAX_VALUE);
        return x.div(norms);
    }

    /** For each row, the index of the other row with the largest dot product. */
    static NDArray nearestNeighbours(NDArray normalised) {
        long n = normalised.getShape().get(0);
        NDManager manager = normalised.getManager();
        NDArray dots = normalised.matMul(normalised.transpose());
        NDArray eye = manager.eye((int) n);
        // The diagonal set to -1 (below any other dot product of unit vectors, but never chosen over one).
        NDArray masked = dots.mul(eye.neg().add(1)).sub(eye);
        return masked.argMax(1);
    }
}
