package io.dinostream.app.retrain;

import io.dinostream.app.registry.VersionRegistration;
import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.registry.ModelRegistry;
import io.dinostream.common.registry.ModelVersion;
import io.dinostream.common.registry.RegistryState;
import io.dinostream.common.registry.WeightStore;
import io.dinostream.embedder.model.LoadOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One iteration of the retrain loop: curate the pool, continue training the teacher from the curated
 * images ({@code train --init}), distill a student from it, evaluate the student and the active version
 * by k-NN on the same splits, register teacher and student (with each step's report kept with the
 * version), and request the student's activation when auto-activation is on and the gate passes: its
 * k-NN no lower than the active version's minus the tolerance. A serving node then backfills and flips.
 */
public final class RetrainLoop {
    private static final Pattern TOP1 = Pattern.compile("top-1 ([0-9.]+)");

    /**
     * @param pool the pool to curate (a dataset spec)
     * @param target images the curation keeps
     * @param epochs training and distillation epochs
     * @param imagesPerEpoch images of each epoch (0: all)
     * @param evalTrain k-NN bank images (Fashion-MNIST train)
     * @param evalTest k-NN query images (Fashion-MNIST test)
     * @param autoActivate request the student's activation when the gate passes
     * @param tolerance how much lower than the active version's k-NN the student's may be
     * @param seed every step's seed
     */
    public record Options(
            String pool,
            int target,
            int epochs,
            int imagesPerEpoch,
            int batchSize,
            int evalTrain,
            int evalTest,
            boolean autoActivate,
            double tolerance,
            long seed) {}

    /** What an iteration did. */
    public record Outcome(
            ModelVersion teacher, ModelVersion student, double studentKnn, double activeKnn, String decision) {}

    private final DinostreamConfig config;
    private final StepRunner steps;

    public RetrainLoop(DinostreamConfig config, List<String> configFlags) {
        this.config = config;
        this.steps = new StepRunner(configFlags);
    }

    /** Runs one iteration into {@code dir} (one sub-directory per step, each with its log). */
    public Outcome runOnce(Options options, Path dir) throws IOException, InterruptedException {
        RegistryState state = ModelRegistry.open(config).state();
        ModelVersion active = state.active()
                .orElseThrow(() -> new IllegalStateException(
                        "no active model version to continue from: register one and activate it"));
        // A distilled student's teacher is its parent: training continues from the teacher.
        ModelVersion from =
                active.parent() != null && state.version(active.parent()).isPresent()
                        ? state.version(active.parent()).orElseThrow()
                        : active;
        WeightStore store = new WeightStore(config.modelStoreDir());
        Path fromWeights = store.verified(from.weightsDigest());
        Path activeWeights = store.verified(active.weightsDigest());
        Map<String, String> reports = new LinkedHashMap<>();
        String seed = Long.toString(options.seed());

        Path manifest = dir.resolve("curate").resolve("curated.csv");
        reports.put(
                "curate",
                summary(steps.run(
                        "curate",
                        List.of(
                                "curate",
                                "--pool",
                                options.pool(),
                                "--out",
                                manifest.toString(),
                                "--target",
                                Integer.toString(options.target()),
                                "--seed",
                                seed),
                        dir.resolve("curate.log"))));

        Path teacherRun = dir.resolve("teacher");
        reports.put(
                "train",
                lastLine(steps.run(
                        "train",
                        withRunOptions(
                                options,
                                List.of(
                                        "train",
                                        "--preset",
                                        "fmnist-vit-tiny",
                                        "--init",
                                        fromWeights.toString(),
                                        "--data",
                                        "manifest:" + manifest,
                                        "--out",
                                        teacherRun.toString())),
                        dir.resolve("train.log"))));

        Path studentRun = dir.resolve("student");
        reports.put(
                "distill",
                lastLine(steps.run(
                        "distill",
                        withRunOptions(
                                options,
                                List.of(
                                        "distill",
                                        "--teacher",
                                        teacherRun.resolve("model.safetensors").toString(),
                                        "--student-preset",
                                        "fmnist-vit-micro",
                                        "--data",
                                        "manifest:" + manifest,
                                        "--out",
                                        studentRun.toString())),
                        dir.resolve("distill.log"))));

        double studentKnn = knn(options, studentRun.resolve("model.safetensors"), dir.resolve("eval-student.log"));
        double activeKnn = knn(options, activeWeights, dir.resolve("eval-active.log"));
        reports.put(
                "evaluate",
                String.format(
                        Locale.ROOT,
                        "k-NN top-1 (%d train -> %d test images): %.2f%%, active version %s: %.2f%%",
                        options.evalTrain(),
                        options.evalTest(),
                        studentKnn,
                        active.id(),
                        activeKnn));

        ModelVersion teacher = VersionRegistration.register(
                        config,
                        teacherRun.resolve("model.safetensors"),
                        "retrained teacher",
                        from.id(),
                        Map.of(),
                        reports,
                        LoadOptions.defaults())
                .version();
        ModelVersion student = VersionRegistration.register(
                        config,
                        studentRun.resolve("model.safetensors"),
                        "retrained student",
                        teacher.id(),
                        Map.of("knn_top1", studentKnn),
                        reports,
                        LoadOptions.defaults())
                .version();

        boolean passes = studentKnn >= activeKnn - options.tolerance();
        String decision;
        if (!options.autoActivate()) {
            decision = "registered; auto-activation is off";
        } else if (!passes) {
            decision = String.format(
                    Locale.ROOT,
                    "not activated: k-NN %.2f%% is below the active version's %.2f%% " + "minus the tolerance %.2f",
                    studentKnn,
                    activeKnn,
                    options.tolerance());
        } else {
            ModelRegistry.open(config).requestActivation(student.id());
            decision = "activation requested: serving nodes backfill " + student.id() + ", then flip";
        }
        return new Outcome(teacher, student, studentKnn, activeKnn, decision);
    }

    private static List<String> withRunOptions(Options options, List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(
                "--epochs", Integer.toString(options.epochs()),
                "--batch-size", Integer.toString(options.batchSize()),
                "--seed", Long.toString(options.seed()),
                "--eval-data", "none"));
        if (options.imagesPerEpoch() > 0) {
            all.addAll(List.of("--images-per-epoch", Integer.toString(options.imagesPerEpoch())));
        }
        return all;
    }

    private double knn(Options options, Path weights, Path log) throws IOException, InterruptedException {
        String out = steps.run(
                "evaluate",
                List.of(
                        "eval",
                        "knn",
                        "--weights",
                        weights.toString(),
                        "--train-limit",
                        Integer.toString(options.evalTrain()),
                        "--test-limit",
                        Integer.toString(options.evalTest())),
                log);
        Matcher m = TOP1.matcher(out);
        if (!m.find()) {
            throw new IOException("the evaluation printed no top-1 (log " + log + ")");
        }
        return Double.parseDouble(m.group(1));
    }

    /** The summary's step table, the part of a curation report worth keeping with the version. */
    private static String summary(String output) {
        int table = output.indexOf("| step |");
        return StepRunner.tail(table < 0 ? output : output.substring(table), 1500)
                .strip();
    }

    private static String lastLine(String output) {
        String[] lines = output.strip().split("\\R");
        return lines[lines.length - 1];
    }
}
