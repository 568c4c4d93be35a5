package io.dinostream.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.dinostream.trainer.config.TrainConfig;
import io.dinostream.trainer.data.BatchBuilder;
import io.dinostream.trainer.data.ImageDataset;
import io.dinostream.trainer.data.SslBatch;
import io.dinostream.trainer.ssl.SslMetaArch;
import io.dinostream.trainer.ssl.SslNetwork;
import io.dinostream.trainer.ssl.StepSchedule;
import io.dinostream.trainer.ssl.StepTimer;
import io.dinostream.trainer.train.RunSetup;
import io.dinostream.trainer.train.Schedules;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Training speed: images per second of whole self-supervised steps (augmentation done inline, so it is
 * counted), where the step time goes, and the share spent outside the student's forward and backward.
 * The reference, measured in the same run on the same batches and threads, is the bare model: the
 * student backbone's forward and backward on the same global and local crops with a trivial loss.
 */
public final class TrainBenchmark {
    /** Everything measured. */
    public record Result(
            String preset,
            String device,
            int batchSize,
            int steps,
            double augmentSecondsPerStep,
            Map<StepTimer.Phase, Double> secondsPerStep,
            double bareModelSecondsPerStep) {
        public double stepSeconds() {
            return augmentSecondsPerStep
                    + secondsPerStep.values().stream()
                            .mapToDouble(Double::doubleValue)
                            .sum();
        }

        public double imagesPerSecond() {
            return batchSize / stepSeconds();
        }

        /** The student's forward and backward: the model's own work. */
        public double modelSeconds() {
            return secondsPerStep.get(StepTimer.Phase.STUDENT_FORWARD) + secondsPerStep.get(StepTimer.Phase.BACKWARD);
        }

        /** Share of the step outside the student's forward and backward (augmentation, teacher, losses, optimizer). */
        public double outsideModelShare() {
            return 1 - modelSeconds() / stepSeconds();
        }

        /** Whole step over the bare model's forward and backward on the same crops. */
        public double ratioToBareModel() {
            return stepSeconds() / bareModelSecondsPerStep;
        }
    }

    private TrainBenchmark() {}

    public static Result run(TrainConfig config, ImageDataset data, int warmup, int steps, Consumer<String> log)
            throws Exception {
        return run(RunSetup.selfSupervised(), config, data, warmup, steps, log);
    }

    /**
     * As {@link #run(TrainConfig, ImageDataset, int, int, Consumer)}, for any run: {@code setup} is
     * self-supervised training or a distillation (whose teacher's forward is then the TEACHER phase).
     */
    public static Result run(
            RunSetup setup, TrainConfig config, ImageDataset data, int warmup, int steps, Consumer<String> log)
            throws Exception {
        BatchBuilder batches = new BatchBuilder(data, config, setup.wholeCrops());
        Schedules schedules = new Schedules(config, batches.iterationsPerEpoch());
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            String device = manager.getDevice().toString();
            log.accept("device " + device + ", "
                    + config.model().toDinoV2Config(config.preset()).summary());
            try (SslMetaArch arch = setup.create(manager, config)) {
                StepTimer timer = new StepTimer();
                long augmentNanos = 0;
                long bareNanos = 0;
                for (int i = 0; i < warmup + steps; i++) {
                    if (i == warmup) {
                        timer.reset();
                        augmentNanos = 0;
                        bareNanos = 0;
                    }
                    long t0 = System.nanoTime();
                    SslBatch batch = batches.batch(i);
                    augmentNanos += System.nanoTime() - t0;
                    StepSchedule schedule = schedules.at(Math.max(i, (long) batches.iterationsPerEpoch()));
                    arch.step(batch, schedule, i, timer);
                    bareNanos += bareForwardBackward(manager, arch.student(), batch);
                    if (i >= warmup) {
                        log.accept(String.format("step %d/%d", i - warmup + 1, steps));
                    }
                }
                Map<StepTimer.Phase, Double> perStep = new EnumMap<>(StepTimer.Phase.class);
                for (StepTimer.Phase phase : StepTimer.Phase.values()) {
                    perStep.put(phase, timer.nanos(phase) / 1e9 / steps);
                }
                return new Result(
                        config.preset(),
                        device,
                        config.optim().batchSize(),
                        steps,
                        augmentNanos / 1e9 / steps,
                        perStep,
                        bareNanos / 1e9 / steps);
            }
        }
    }

    /** The student backbone alone: forward on the crops, backward of the summed CLS tokens. */
    private static long bareForwardBackward(NDManager manager, SslNetwork student, SslBatch batch) {
        ParameterStore ps = new ParameterStore(manager, false);
        long start = System.nanoTime();
        try (NDScope scope = new NDScope()) {
            int b = batch.images();
            NDArray global =
                    manager.create(batch.global(), new Shape(2L * b, 3, batch.globalSize(), batch.globalSize()));
            NDArray local = manager.create(
                    batch.local(), new Shape((long) batch.localCrops() * b, 3, batch.localSize(), batch.localSize()));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray g = student.backbone()
                        .forwardFeatures(ps, global, null, true)
                        .clsToken();
                NDArray l = student.backbone()
                        .forwardFeatures(ps, local, null, true)
                        .clsToken();
                collector.backward(g.sum().add(l.sum()));
            }
        }
        long elapsed = System.nanoTime() - start;
        // Leaves no gradient behind for the next real step.
        for (var p : student.parameters().values()) {
            try (NDArray grad = p.getArray().getGradient()) {
                grad.set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
            }
        }
        return elapsed;
    }
}
