package io.dinostream.trainer.train;

import io.dinostream.trainer.config.TrainConfig;
import io.dinostream.trainer.schedule.CosineSchedule;
import io.dinostream.trainer.ssl.StepSchedule;

/**
 * The reference's schedulers ({@code SSLMetaArch}'s {@code build_schedulers}), per iteration: learning rate
 * with linear warm-up then cosine to {@code minLr}; weight decay and teacher momentum as cosines; teacher
 * temperature warmed up linearly then constant; the last layer's learning rate that of the others but 0
 * for the first {@code freezeLastLayerEpochs}.
 */
public final class Schedules {
    private final CosineSchedule lr;
    private final CosineSchedule weightDecay;
    private final CosineSchedule momentum;
    private final CosineSchedule teacherTemp;
    private final long frozenLastLayerIterations;

    public Schedules(TrainConfig config, int iterationsPerEpoch) {
        TrainConfig.OptimSpec o = config.optim();
        TrainConfig.LossSpec l = config.loss();
        long total = (long) o.epochs() * iterationsPerEpoch;
        this.lr =
                new CosineSchedule(o.scaledLr(), o.minLr(), total, (long) o.warmupEpochs() * iterationsPerEpoch, 0, 0);
        this.weightDecay = CosineSchedule.cosine(o.weightDecay(), o.weightDecayEnd(), total);
        this.momentum = CosineSchedule.cosine(o.momentumTeacher(), o.finalMomentumTeacher(), total);
        long warm = (long) l.teacherTempWarmupEpochs() * iterationsPerEpoch;
        this.teacherTemp = new CosineSchedule(l.teacherTemp(), l.teacherTemp(), warm, warm, l.warmupTeacherTemp(), 0);
        this.frozenLastLayerIterations = (long) o.freezeLastLayerEpochs() * iterationsPerEpoch;
    }

    public StepSchedule at(long iteration) {
        double rate = lr.at(iteration);
        return new StepSchedule(
                rate,
                weightDecay.at(iteration),
                iteration < frozenLastLayerIterations ? 0 : rate,
                momentum.at(iteration),
                teacherTemp.at(iteration));
    }
}
