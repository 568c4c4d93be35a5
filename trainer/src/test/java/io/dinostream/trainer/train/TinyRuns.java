package io.dinostream.trainer.train;

import io.dinostream.trainer.config.TrainConfig;

/** Small configs that train in seconds, for tests of the machinery (not of quality). */
public final class TinyRuns {
    private TinyRuns() {}

    /** Width 32, 2 blocks, 64 prototypes, batch 16, 64 images per epoch, 2 epochs (8 iterations). */
    public static TrainConfig config() {
        TrainConfig base = TrainConfig.fmnistVitTiny();
        return new TrainConfig(
                        "test-tiny",
                        new TrainConfig.ModelSpec(7, 32, 2, 2, 2, 28, 0.1, 0.1),
                        new TrainConfig.HeadSpec(64, 64, 16),
                        new TrainConfig.CropSpec(28, 14, 2, 0.4, 1.0, 0.1, 0.4),
                        base.loss(),
                        base.optim(),
                        3)
                .withRun(2, 16, 64);
    }
}
