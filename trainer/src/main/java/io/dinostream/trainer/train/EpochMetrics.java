package io.dinostream.trainer.train;

/**
 * One epoch's summary, saved with each checkpoint and plotted.
 *
 * @param epoch 1-based number of the epoch just finished
 * @param loss mean total loss over the epoch's steps
 * @param knnTop1 k-NN top-1 accuracy of the teacher backbone after the epoch, in percent; NaN if not evaluated
 * @param imagesPerSecond training throughput over the epoch (after a mid-epoch resume: over its resumed part)
 * @param seconds wall time of the epoch, evaluation excluded (after a mid-epoch resume: since the resume)
 */
public record EpochMetrics(
        int epoch,
        long iteration,
        double loss,
        double dinoLocal,
        double dinoGlobal,
        double koleo,
        double ibot,
        double lr,
        double knnTop1,
        double imagesPerSecond,
        double seconds) {}
