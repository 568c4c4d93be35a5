package io.dinostream.trainer.ssl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dinostream.embedder.model.NativeArrays;
import io.dinostream.trainer.loss.SinkhornKnopp;
import io.dinostream.trainer.loss.TeacherCentering;

/**
 * Turns teacher logits into targets, one of the reference's two ways: Sinkhorn-Knopp (DINOv2's default)
 * or softmax centering with an EMA centre (DINO's; one centre for CLS logits, one for patch logits, as
 * {@code DINOLoss} and {@code iBOTPatchLoss} each keep theirs).
 */
public final class TeacherTargets implements AutoCloseable {
    private final boolean sinkhornKnopp;
    private final TeacherCentering clsCentering;
    private final TeacherCentering patchCentering;

    public TeacherTargets(NDManager manager, boolean sinkhornKnopp, int prototypes, float centerMomentum) {
        this.sinkhornKnopp = sinkhornKnopp;
        try (NDArray zeros = manager.zeros(new ai.djl.ndarray.types.Shape(1, prototypes))) {
            this.clsCentering = new TeacherCentering(manager, zeros, centerMomentum);
            this.patchCentering = new TeacherCentering(manager, zeros, centerMomentum);
        }
    }

    /** Targets for the teacher's CLS logits {@code (2B, K)}. */
    public NDArray cls(NDArray logits, float temperature) {
        if (sinkhornKnopp) {
            return SinkhornKnopp.assign(
                    logits, temperature, logits.getShape().get(0), SinkhornKnopp.DEFAULT_ITERATIONS);
        }
        NDArray targets = clsCentering.softmaxCentered(logits, temperature);
        clsCentering.update(logits);
        return targets;
    }

    /** Targets for the teacher's logits of the masked patches {@code (M, K)}. */
    public NDArray patches(NDArray logits, float temperature) {
        if (sinkhornKnopp) {
            return SinkhornKnopp.assign(
                    logits, temperature, logits.getShape().get(0), SinkhornKnopp.DEFAULT_ITERATIONS);
        }
        NDArray targets = patchCentering.softmaxCentered(logits, temperature);
        // The reference centres patch logits shaped (1, M, K): mean over the patches.
        patchCentering.update(logits.expandDims(0));
        return targets;
    }

    /** The centres with any pending update applied, for a checkpoint (unused with Sinkhorn-Knopp). */
    public float[][] centres() {
        clsCentering.applyPendingUpdate();
        patchCentering.applyPendingUpdate();
        return new float[][] {
            clsCentering.center().toFloatArray(), patchCentering.center().toFloatArray()
        };
    }

    /** Restores centres written by {@link #centres()}. */
    public void restore(float[][] centres) {
        NativeArrays.overwrite(clsCentering.center(), centres[0]);
        NativeArrays.overwrite(patchCentering.center(), centres[1]);
    }

    @Override
    public void close() {
        clsCentering.close();
        patchCentering.close();
    }
}
