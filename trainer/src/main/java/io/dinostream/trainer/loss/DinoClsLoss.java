package io.dinostream.trainer.loss;

import ai.djl.ndarray.NDArray;
import io.dinostream.embedder.model.ScalarOps;
import java.util.List;

/**
 * The DINO loss on CLS-token prototype logits ({@code DINOLoss.forward}): the cross-entropy between each
 * teacher target distribution and each student crop's {@code log_softmax(s / studentTemperature)}, averaged
 * over the batch and summed over all (student crop, teacher crop) pairs. Pairing a crop with itself is
 * left to the caller, as in the reference (which passes global crops against the other view).
 */
public final class DinoClsLoss {
    private final float studentTemperature;

    public DinoClsLoss(float studentTemperature) {
        this.studentTemperature = studentTemperature;
    }

    /**
     * @param studentLogits one {@code (B, K)} array per student crop
     * @param teacherTargets one {@code (B, K)} probability array per teacher crop (centered and softmaxed, or
     *     Sinkhorn-Knopp)
     */
    public NDArray loss(List<NDArray> studentLogits, List<NDArray> teacherTargets) {
        NDArray total = null;
        for (NDArray student : studentLogits) {
            NDArray logProbabilities =
                    ScalarOps.div(student, studentTemperature).logSoftmax(-1);
            for (NDArray teacher : teacherTargets) {
                NDArray pair =
                        teacher.mul(logProbabilities).sum(new int[] {-1}).mean().neg();
                total = total == null ? pair : total.add(pair);
            }
        }
        if (total == null) {
            throw new IllegalArgumentException("no student or no teacher crops");
        }
        return total;
    }
}
