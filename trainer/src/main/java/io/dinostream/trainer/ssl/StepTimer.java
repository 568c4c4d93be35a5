package io.dinostream.trainer.ssl;

import java.util.EnumMap;
import java.util.Map;

/**
 * Wall time of a step's phases, summed over steps, for {@code dinostream bench train}. On the CPU every
 * engine call returns when its work is done, so the clock between calls measures the work.
 */
public final class StepTimer {
    /** The phases of {@link SslMetaArch#step}, in order. */
    public enum Phase {
        /** Copying the batch into engine arrays. */
        INPUT,
        /** Teacher backbone and head, and its targets (Sinkhorn-Knopp or centering). */
        TEACHER,
        /** Student backbone and head on global and local crops. */
        STUDENT_FORWARD,
        /** DINO, KoLeo and iBOT losses. */
        LOSSES,
        /** Backward through student losses, head and backbone. */
        BACKWARD,
        /** Gradient clipping, AdamW, teacher EMA, clearing gradients. */
        OPTIMIZER
    }

    private final Map<Phase, Long> nanos = new EnumMap<>(Phase.class);
    private long mark;

    /** Starts the clock of a step. */
    void start() {
        mark = System.nanoTime();
    }

    /** Charges the time since the last mark to {@code phase}. */
    void lap(Phase phase) {
        long now = System.nanoTime();
        nanos.merge(phase, now - mark, Long::sum);
        mark = now;
    }

    public long nanos(Phase phase) {
        return nanos.getOrDefault(phase, 0L);
    }

    public void reset() {
        nanos.clear();
    }
}
