package io.dinostream.trainer.loss;

import ai.djl.ndarray.NDArray;

/**
 * Sinkhorn-Knopp centering of teacher logits, as DINOv2 does it ({@code sinkhorn_knopp_teacher}): the
 * targets become a doubly normalised assignment of the batch to the prototypes, each prototype getting
 * an equal share. Like the reference, {@code exp(logits / temperature)} is taken without subtracting the
 * maximum (with temperature 0.07, float32 overflows once a logit exceeds about 6.2; the heads' outputs stay
 * far below that). Runs on whatever device the logits are on; no gradient flows (teacher side).
 */
public final class SinkhornKnopp {
    /** The reference's number of iterations. */
    public static final int DEFAULT_ITERATIONS = 3;

    private SinkhornKnopp() {}

    /**
     * @param teacherLogits {@code (B, K)} logits
     * @param samples the batch size B of the algorithm: rows for DINO, the number of masked patches for iBOT
     * @return {@code (B, K)} targets whose rows sum to 1
     */
    public static NDArray assign(NDArray teacherLogits, float temperature, long samples, int iterations) {
        if (teacherLogits.getShape().dimension() != 2) {
            throw new IllegalArgumentException("teacher logits must be (B, K), got " + teacherLogits.getShape());
        }
        long prototypes = teacherLogits.getShape().get(1);
        NDArray logits = teacherLogits.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        // Shifted by the largest logit before exp (the first normalisation cancels any constant factor):
        // the reference's plain exp overflows float32 once logit / temperature passes 88.
        NDArray q = logits.sub(logits.max()).div(temperature).exp().transpose(); // (K, B)
        q = q.div(q.sum());
        for (int i = 0; i < iterations; i++) {
            q = q.div(q.sum(new int[] {1}, true)).div(prototypes); // each prototype's total: 1/K
            q = q.div(q.sum(new int[] {0}, true)).div(samples); // each sample's total: 1/B
        }
        return q.mul(samples).transpose();
    }
}
