package io.dinostream.trainer.train;

import ai.djl.ndarray.NDManager;
import io.dinostream.embedder.model.DinoV2Config;
import io.dinostream.embedder.model.DinoV2Weights;
import io.dinostream.embedder.model.SafeTensors;
import io.dinostream.trainer.config.TrainConfig;
import io.dinostream.trainer.data.BatchBuilder;
import io.dinostream.trainer.data.ImageDataset;
import io.dinostream.trainer.data.SslBatch;
import io.dinostream.trainer.eval.KnnEvaluation;
import io.dinostream.trainer.plot.TrainingCurves;
import io.dinostream.trainer.ssl.SslMetaArch;
import io.dinostream.trainer.ssl.StepLosses;
import io.dinostream.trainer.ssl.StepSchedule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs self-supervised training into a run directory, resuming from its checkpoint when there is one.
 *
 * <p>Per step it appends the losses to {@code losses.csv}; per epoch it evaluates k-NN on the teacher
 * (when an evaluation is given), saves a {@link Checkpoint}, exports the teacher backbone as {@code
 * model.safetensors} (official names: the embedder loads it directly) and redraws {@code curves.png}.
 * The next batch is augmented on another thread while the current step runs.
 *
 * <p>Every random choice is a function of the seed and the iteration, so a run stopped and resumed from a
 * checkpoint repeats the uninterrupted run's losses exactly (same machine and thread count).
 */
public final class SslTrainer {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SslTrainer.class);
    private final TrainConfig config;
    private final ImageDataset data;
    private final Path runDir;
    private final KnnEvaluation evaluation;
    private final long stopAfter;
    private final RunSetup setup;
    private volatile boolean stopRequested;

    /**
     * @param evaluation the per-epoch k-NN evaluation, or null for none
     * @param stopAfter stop (with a checkpoint) once this many iterations are done; 0 for the whole run
     */
    public SslTrainer(TrainConfig config, ImageDataset data, Path runDir, KnnEvaluation evaluation, long stopAfter) {
        this(config, data, runDir, evaluation, stopAfter, RunSetup.selfSupervised());
    }

    /** As above, for another kind of run (distillation). */
    public SslTrainer(
            TrainConfig config,
            ImageDataset data,
            Path runDir,
            KnnEvaluation evaluation,
            long stopAfter,
            RunSetup setup) {
        this.setup = setup;
        this.config = config;
        this.data = data;
        this.runDir = runDir;
        this.evaluation = evaluation;
        this.stopAfter = stopAfter;
    }

    /** The outcome: the metrics of every finished epoch and where the model is. */
    public record Result(List<EpochMetrics> metrics, long iterations, Path model, boolean finished) {}

    /**
     * Asks a running {@link #run} to stop after the step in progress, with a checkpoint there, as
     * {@code stopAfter} would have: resuming continues exactly. Callable from any thread (a shutdown hook).
     */
    public void requestStop() {
        stopRequested = true;
    }

    public Result run(TrainListener listener) throws IOException {
        Files.createDirectories(runDir);
        BatchBuilder batches = new BatchBuilder(data, config, setup.wholeCrops());
        int perEpoch = batches.iterationsPerEpoch();
        long total = batches.totalIterations();
        Schedules schedules = new Schedules(config, perEpoch);
        DinoV2Config backboneConfig = setup.resultConfig(config);
        ExecutorService prefetch = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "batch-prefetch");
            t.setDaemon(true);
            return t;
        });
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            try (SslMetaArch arch = setup.create(manager, config)) {
                List<EpochMetrics> metrics = new ArrayList<>();
                long start = 0;
                Optional<Path> checkpoint = Checkpoint.find(runDir);
                if (checkpoint.isPresent()) {
                    Checkpoint.State state = Checkpoint.restore(checkpoint.get(), arch);
                    start = state.iteration();
                    metrics.addAll(state.metrics());
                }
                LossLog log = LossLog.open(runDir.resolve("losses.csv"), start);
                List<StepLosses> epochLosses = new ArrayList<>(log.since((start / perEpoch) * perEpoch));
                long end = stopAfter > 0 ? Math.min(total, stopAfter) : total;
                long startNanos = System.nanoTime();
                long epochStartNanos = startNanos;
                // Steps of this epoch run by this process: after a mid-epoch resume, fewer than epochLosses.
                int epochStepsTimed = 0;
                Future<SslBatch> next = start < end ? prefetch.submit(batchTask(batches, start)) : null;
                long done = start;
                for (long i = start; i < end; i++) {
                    SslBatch batch = get(next);
                    next = i + 1 < end ? prefetch.submit(batchTask(batches, i + 1)) : null;
                    StepSchedule schedule = schedules.at(i);
                    StepLosses losses = arch.step(batch, schedule, (int) stepSeed(i));
                    if (!Double.isFinite(losses.total())) {
                        throw new IllegalStateException("loss is " + losses.total() + " at iteration " + i
                                + "; lower the learning rate (the last checkpoint is kept)");
                    }
                    if (!Double.isFinite(losses.gradNorm())) {
                        LOG.warn(
                                "step {} skipped: non-finite gradient (first in {}); {} skipped so far",
                                i,
                                arch.lastSkipCause(),
                                arch.skippedSteps());
                        if (arch.skippedSteps() > 20) {
                            throw new IllegalStateException(
                                    "more than 20 steps had non-finite gradients (last in " + arch.lastSkipCause()
                                            + "); lower the learning rate (the last checkpoint is kept)");
                        }
                    }
                    log.append(i, losses);
                    epochLosses.add(losses);
                    epochStepsTimed++;
                    double seconds = (System.nanoTime() - startNanos) / 1e9;
                    listener.onStep(
                            i,
                            total,
                            losses,
                            schedule,
                            (i + 1 - start) * config.optim().batchSize() / seconds);
                    boolean epochEnd = (i + 1) % perEpoch == 0;
                    if (epochEnd) {
                        double epochSeconds = (System.nanoTime() - epochStartNanos) / 1e9;
                        double knn = evaluation == null
                                ? Double.NaN
                                : evaluation.top1(setup.result(arch).backbone(), manager);
                        EpochMetrics m = summarise(
                                (int) ((i + 1) / perEpoch),
                                i + 1,
                                epochLosses,
                                schedule,
                                knn,
                                epochStepsTimed * (double) config.optim().batchSize() / epochSeconds,
                                epochSeconds);
                        metrics.add(m);
                        epochLosses.clear();
                        listener.onEpoch(m);
                        exportTeacher(arch, backboneConfig);
                        plot(metrics);
                        epochStartNanos = System.nanoTime();
                        epochStepsTimed = 0;
                    }
                    done = i + 1;
                    boolean stopNow = stopRequested && done < end;
                    if (epochEnd || done == end || stopNow) {
                        Checkpoint.save(
                                runDir,
                                config,
                                arch,
                                new Checkpoint.State(
                                        i + 1,
                                        arch.optimizer().steps(),
                                        arch.targets().centres(),
                                        metrics));
                    }
                    if (stopNow) {
                        break;
                    }
                }
                log.close();
                Path model = runDir.resolve("model.safetensors");
                if (done > start && !Files.exists(model)) {
                    exportTeacher(arch, backboneConfig);
                }
                return new Result(metrics, done, model, done == total);
            }
        } finally {
            prefetch.shutdownNow();
        }
    }

    private static java.util.concurrent.Callable<SslBatch> batchTask(BatchBuilder batches, long iteration) {
        return () -> batches.batch(iteration);
    }

    private static SslBatch get(Future<SslBatch> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while preparing a batch", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot build a batch: " + e.getCause(), e.getCause());
        }
    }

    private long stepSeed(long iteration) {
        long z = config.seed() * 0x9E3779B97F4A7C15L + iteration * 0xBF58476D1CE4E5B9L + 77;
        return (z ^ (z >>> 31)) & 0x7fffffffL;
    }

    private static EpochMetrics summarise(
            int epoch,
            long iteration,
            List<StepLosses> losses,
            StepSchedule schedule,
            double knn,
            double ips,
            double seconds) {
        double total = 0, local = 0, global = 0, koleo = 0, ibot = 0;
        for (StepLosses l : losses) {
            total += l.total();
            local += l.dinoLocal();
            global += l.dinoGlobal();
            koleo += l.koleo();
            ibot += l.ibot();
        }
        int n = Math.max(1, losses.size());
        return new EpochMetrics(
                epoch,
                iteration,
                total / n,
                local / n,
                global / n,
                koleo / n,
                ibot / n,
                schedule.lr(),
                knn,
                ips,
                seconds);
    }

    /** Writes the result's backbone (the teacher, as the reference evaluates it) where the embedder can load it. */
    private void exportTeacher(SslMetaArch arch, DinoV2Config backboneConfig) throws IOException {
        Path tmp = runDir.resolve("model.safetensors.tmp");
        DinoV2Weights.write(
                tmp,
                backboneConfig,
                setup.result(arch).backboneValues(),
                DinoV2Weights.Naming.OFFICIAL,
                SafeTensors.DType.F32,
                // Trained on whole images of this side: the embedder resizes to it and crops nothing.
                Map.of(
                        DinoV2Weights.META_RESOLUTION,
                        Integer.toString(config.crops().globalSize())));
        Files.move(
                tmp,
                runDir.resolve("model.safetensors"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private void plot(List<EpochMetrics> metrics) {
        try {
            TrainingCurves.write(
                    runDir.resolve("curves.png"),
                    String.format(Locale.ROOT, "%s, %s", config.preset(), data.describe()),
                    metrics,
                    List.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw " + runDir.resolve("curves.png"), e);
        }
    }
}
