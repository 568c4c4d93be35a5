package io.dinostream.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.dinostream.embedder.model.ScalarOps;

/**
 * The iBOT loss on masked patch tokens ({@code iBOTPatchLoss}): for each masked patch, the cross-entropy
 * between the teacher's target distribution and the student's {@code log_softmax(s / studentTemperature)};
 * each image's masked patches weigh {@code 1 / (its number of masked patches)}, and the total is divided by
 * the number of images, so every image counts equally however much of it was masked.
 */
public final class IBotPatchLoss {
    private final float studentTemperature;

    public IBotPatchLoss(float studentTemperature) {
        this.studentTemperature = studentTemperature;
    }

    /** {@code sum(t * log_softmax(s / T), -1)} per row. */
    private NDArray crossEntropyTerms(NDArray teacher, NDArray student) {
        return teacher.mul(ScalarOps.div(student, studentTemperature).logSoftmax(-1))
                .sum(new int[] {-1});
    }

    /**
     * The loss over all patches, masked ones selected by {@code masks} ({@code iBOTPatchLoss.forward}).
     *
     * @param student {@code (B, N, K)} student patch logits
     * @param teacher {@code (B, N, K)} teacher targets
     * @param masks {@code (B, N)} boolean, true where the student's patch was masked
     */
    public NDArray loss(NDArray student, NDArray teacher, NDArray masks) {
        NDArray weights = masks.toType(DataType.FLOAT32, false);
        NDArray perImage = crossEntropyTerms(teacher, student)
                .mul(weights)
                .sum(new int[] {-1})
                .div(weights.sum(new int[] {-1}).clip(1f, Float.MAX_VALUE));
        return perImage.mean().neg();
    }

    /**
     * The loss on the masked patches only, already gathered ({@code iBOTPatchLoss.forward_masked}).
     *
     * @param studentMasked {@code (M, K)} student logits of the masked patches, image-major
     * @param teacherMasked {@code (M, K)} teacher targets of the same patches
     * @param masks {@code (B, N)} boolean masks they were gathered with
     * @param maskedPatches how many of the M rows count (the rest is padding); M when null
     * @param maskWeights {@code (M)} weight of each row, {@code 1 / (masked patches of its image)}; computed
     *     from {@code masks} when null
     */
    public NDArray maskedLoss(
            NDArray studentMasked, NDArray teacherMasked, NDArray masks, Long maskedPatches, NDArray maskWeights) {
        NDArray terms = crossEntropyTerms(teacherMasked, studentMasked);
        NDArray weights = maskWeights != null ? maskWeights : weightsOf(masks);
        if (maskedPatches != null) {
            terms = terms.get("0:" + maskedPatches);
            weights = weights.get("0:" + maskedPatches);
        }
        return ScalarOps.div(terms.mul(weights).sum().neg(), masks.getShape().get(0));
    }

    /** {@code 1 / (masked patches of the row's image)} for every masked patch, image-major. */
    static NDArray weightsOf(NDArray masks) {
        NDArray counts =
                masks.toType(DataType.FLOAT32, false).sum(new int[] {-1}, true).clip(1f, Float.MAX_VALUE);
        NDArray perPatch = counts.getManager().ones(masks.getShape()).div(counts);
        return perPatch.booleanMask(masks);
    }
}
