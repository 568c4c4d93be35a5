package io.dinostream.trainer.schedule;

/**
 * DINOv2's {@code CosineScheduler}: zero for {@code freezeIterations}, then a linear warm-up from
 * {@code warmupStart} to {@code base} over {@code warmupIterations} (both ends included, as
 * {@code np.linspace}), then a half cosine from {@code base} down to {@code end} over the remaining
 * iterations; {@code end} from {@code totalIterations} on. The same class gives the learning rate (warm-up,
 * cosine), the weight decay (cosine up or down), the teacher momentum (cosine up to 1), the teacher
 * temperature (warm-up, then constant: base = end) and the last layer's learning rate (frozen first).
 */
public final class CosineSchedule {
    private final double base;
    private final double end;
    private final long totalIterations;
    private final long warmupIterations;
    private final double warmupStart;
    private final long freezeIterations;

    public CosineSchedule(
            double base,
            double end,
            long totalIterations,
            long warmupIterations,
            double warmupStart,
            long freezeIterations) {
        if (totalIterations < 0
                || warmupIterations < 0
                || freezeIterations < 0
                || warmupIterations + freezeIterations > totalIterations) {
            throw new IllegalArgumentException("invalid schedule: total " + totalIterations + ", warm-up "
                    + warmupIterations + ", frozen " + freezeIterations);
        }
        this.base = base;
        this.end = end;
        this.totalIterations = totalIterations;
        this.warmupIterations = warmupIterations;
        this.warmupStart = warmupStart;
        this.freezeIterations = freezeIterations;
    }

    /** A cosine from {@code base} to {@code end}, no warm-up, nothing frozen. */
    public static CosineSchedule cosine(double base, double end, long totalIterations) {
        return new CosineSchedule(base, end, totalIterations, 0, 0, 0);
    }

    /** The value at iteration {@code iteration} (0-based). */
    public double at(long iteration) {
        if (iteration >= totalIterations) {
            return end;
        }
        if (iteration < freezeIterations) {
            return 0;
        }
        long i = iteration - freezeIterations;
        if (i < warmupIterations) {
            return warmupIterations == 1
                    ? warmupStart
                    : warmupStart + (base - warmupStart) * i / (warmupIterations - 1);
        }
        long cosineIterations = totalIterations - warmupIterations - freezeIterations;
        long j = i - warmupIterations;
        return end + 0.5 * (base - end) * (1 + Math.cos(Math.PI * j / cosineIterations));
    }
}
