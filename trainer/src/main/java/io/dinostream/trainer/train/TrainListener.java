package io.dinostream.trainer.train;

import io.dinostream.trainer.ssl.StepLosses;
import io.dinostream.trainer.ssl.StepSchedule;

/** What a running training reports: every step (for a progress bar) and every epoch (for metrics). */
public interface TrainListener {
    /**
     * @param iteration the step just finished, 0-based
     * @param imagesPerSecond throughput since the run (or resume) started
     */
    void onStep(long iteration, long totalIterations, StepLosses losses, StepSchedule schedule, double imagesPerSecond);

    void onEpoch(EpochMetrics metrics);

    /** A listener that reports nothing. */
    static TrainListener silent() {
        return new TrainListener() {
            @Override
            public void onStep(long i, long total, StepLosses l, StepSchedule s, double ips) {}

            @Override
            public void onEpoch(EpochMetrics metrics) {}
        };
    }
}
