package io.dinostream.app.retrain;

import io.dinostream.app.registry.VersionRegistration;
import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.registry.ModelRegistry;
import io.dinostream.common.registry.ModelVersion;
import io.dinostream.common.registry.RegistryState;
import io.dinostream.common.registry.WeightStore;
import io.dinostream.embedder.model.LoadOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 *
 * <p>Resumable: a step that finished leaves {@code <step>.done} (its output, written by rename) and is not
 * run again; {@code train} and {@code distill} resume from their own checkpoints; registering the same
 * weights again writes nothing. An iteration that finished leaves {@link #OUTCOME_FILE}. Running an
 * unfinished iteration's directory again therefore continues where it stopped.
 */
public final class RetrainLoop {
    private static final Pattern TOP1 = Pattern.compile("top-1 ([0-9.]+)");
    /** Written when an iteration finished: its decision. An iteration directory without it can resume. */
    public static final String OUTCOME_FILE = "outcome.txt";

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

    /**
     * Runs one iteration into {@code dir} (one sub-directory per step, each with its log), or continues
     * an unfinished one there: from the versions it started from, whatever is active now.
     */
    public Outcome runOnce(Options options, Path dir) throws IOException, InterruptedException {
        RegistryState state = ModelRegistry.open(config).state();
        Path baseFile = dir.resolve("base.txt");
        ModelVersion active;
        if (Files.isRegularFile(baseFile)) {
            active = state.require(
                    Files.readString(baseFile, StandardCharsets.UTF_8).strip());
        } else {
            active = state.active()
                    .orElseThrow(() -> new IllegalStateException(
                            "no active model version to continue from: register one and activate it"));
            Files.createDirectories(dir);
            writeAtomically(baseFile, active.id() + "\n");
        }
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
                summary(step(
                        dir,
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
                lastLine(step(
                        dir,
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
                lastLine(step(
                        dir,
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

        double studentKnn = knn(options, studentRun.resolve("model.safetensors"), dir, "eval-student");
        double activeKnn = knn(options, activeWeights, dir, "eval-active");
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
        Outcome outcome = new Outcome(teacher, student, studentKnn, activeKnn, decision);
        writeAtomically(
                dir.resolve(OUTCOME_FILE),
                "teacher " + teacher.id() + "\nstudent " + student.id() + "\n" + decision + "\n");
        return outcome;
    }

    /**
     * Runs a step unless an earlier run of this iteration finished it ({@code <name>.done} holds its output
     * then); its log is {@code <name>.log}.
     */
    private String step(Path dir, String name, List<String> args, Path log) throws IOException, InterruptedException {
        Path done = dir.resolve(name + ".done");
        if (Files.isRegularFile(done)) {
            System.err.println("retrain: step " + name + " finished in an earlier run; not run again");
            return Files.readString(done, StandardCharsets.UTF_8);
        }
        String output = steps.run(name, args, log);
        writeAtomically(done, output);
        return output;
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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

    private double knn(Options options, Path weights, Path dir, String name) throws IOException, InterruptedException {
        Path log = dir.resolve(name + ".log");
        String out = step(
                dir,
                name,
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
