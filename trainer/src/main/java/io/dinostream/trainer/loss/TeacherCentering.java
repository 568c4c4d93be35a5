package io.dinostream.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

/**
 * The softmax-centering of teacher logits (DINO's original centering): {@code softmax((t - c) / T)} with
 * {@code c} an exponential moving average of the teacher's batch means. As in the reference the update is
 * lazy: {@link #update} only records the batch mean, and the next {@link #softmaxCentered} first folds it
 * into the centre ({@code c = m c + (1 - m) mean}), so that in distributed training the reduction can
 * overlap the step.
 *
 * <p>Owns its centre on the manager it was given (long-lived: the trainer's, not a step's scope).
 */
public final class TeacherCentering implements AutoCloseable {
    private final NDManager manager;
    private final float momentum;
    private NDArray center;
    private NDArray pendingMean;

    /**
     * @param initialCenter the starting centre, {@code (1, K)} for CLS logits or {@code (1, 1, K)} for
     *     patch logits (zeros in training); copied onto {@code manager}
     */
    public TeacherCentering(NDManager manager, NDArray initialCenter, float momentum) {
        this.manager = manager;
        this.momentum = momentum;
        this.center = initialCenter.duplicate();
        this.center.attach(manager);
    }

    /** The current centre (pending updates not yet applied). */
    public NDArray center() {
        return center;
    }

    /** Applies any pending update, then returns {@code softmax((teacher - center) / temperature)}. */
    public NDArray softmaxCentered(NDArray teacherLogits, float temperature) {
        applyPendingUpdate();
        return teacherLogits.sub(center).div(temperature).softmax(-1);
    }

    /**
     * Records the batch mean of teacher logits for the next centre: for {@code (B, K)} the mean over rows;
     * for {@code (B, N, K)} (patch tokens) the mean over tokens, then over B, as the iBOT reference does.
     */
    public void update(NDArray teacherLogits) {
        NDArray mean = teacherLogits.getShape().dimension() == 3
                ? teacherLogits
                        .mean(new int[] {1})
                        .sum(new int[] {0}, true)
                        .div(teacherLogits.getShape().get(0))
                : teacherLogits
                        .sum(new int[] {0}, true)
                        .div(teacherLogits.getShape().get(0));
        keep(mean);
        if (pendingMean != null) {
            pendingMean.close();
        }
        pendingMean = mean;
    }

    /** Folds a recorded batch mean into the centre, once. */
    public void applyPendingUpdate() {
        if (pendingMean == null) {
            return;
        }
        NDArray next = center.mul(momentum).add(pendingMean.mul(1 - momentum)).reshape(center.getShape());
        keep(next);
        center.close();
        pendingMean.close();
        center = next;
        pendingMean = null;
    }

    /** Moves a kept array to the long-lived manager and out of any step's {@link NDScope}, which would close it. */
    private void keep(NDArray array) {
        array.attach(manager);
        NDScope.unregister(array);
    }

    @Override
    public void close() {
        center.close();
        if (pendingMean != null) {
            pendingMean.close();
        }
    }
}
