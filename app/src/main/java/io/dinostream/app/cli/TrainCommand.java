package io.dinostream.app.cli;

import io.dinostream.trainer.config.TrainConfig;
import io.dinostream.trainer.data.ImageDataset;
import io.dinostream.trainer.eval.KnnEvaluation;
import io.dinostream.trainer.ssl.StepLosses;
import io.dinostream.trainer.ssl.StepSchedule;
import io.dinostream.trainer.train.Checkpoint;
import io.dinostream.trainer.train.EpochMetrics;
import io.dinostream.trainer.train.RunSetup;
import io.dinostream.trainer.train.SslTrainer;
import io.dinostream.trainer.train.TrainListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** {@code dinostream train}: DINOv2 self-supervised training from scratch (docs/training.md). */
public final class TrainCommand implements Command {
    /** Options shared by {@code train} and {@code distill}. */
    static final List<String> RUN_OPTIONS = List.of(
            "data",
            "out",
            "epochs",
            "batch-size",
            "images-per-epoch",
            "seed",
            "eval-data",
            "eval-bank",
            "eval-bank-data",
            "eval-queries",
            "teacher-temp",
            "recipe",
            "stop-after");

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "self-supervised DINOv2 training (DINO + iBOT + KoLeo) into a run directory, resumable";
    }

    @Override
    public String help() {
        return """
                usage: dinostream train --preset fmnist-vit-tiny --data fashion-mnist:train --out runs/X
                                        [--epochs N] [--batch-size N] [--images-per-epoch N] [--seed N]

                Trains a student ViT and its EMA teacher with the DINOv2 recipe. The run directory gets
                losses.csv (every step), checkpoint/ (every epoch: weights, optimizer, resolved config
                and metrics), model.safetensors (the teacher backbone, loadable by the embedder:
                --model-weights runs/X/model.safetensors) and curves.png (loss and k-NN per epoch).
                Running the same command again resumes from the checkpoint, repeating exactly what the
                uninterrupted run would have done.

                options:
                  --preset NAME          %s (default fmnist-vit-tiny)
                  --data SPEC            training images, labels unused (default fashion-mnist:train): also
                                         dir:PATH, kafka:TOPIC (with --bootstrap-servers) or manifest:FILE
                                         (what a curation kept)
                  --out DIR              the run directory (required)
                  --epochs N             epochs (default: the preset's)
                  --batch-size N         images per step (default: the preset's)
                  --images-per-epoch N   use only the first N images of each epoch's shuffle (default all)
                  --seed N               seed of every random choice (default 0)
                  --centering NAME       sinkhorn_knopp (default) or softmax
                  --teacher-temp T       constant teacher temperature (default: the preset's)
                  --recipe FILE          start from this resolved config (a run's config.json, edited)
                                         instead of the preset; the options above still apply
                  --eval-data SPEC       k-NN queries after each epoch (default fashion-mnist:test; none)
                  --eval-bank N          training images in the k-NN bank (default 10000)
                  --eval-bank-data SPEC  labelled images for the k-NN bank (default: the training data
                                         when labelled, else fashion-mnist:train)
                  --eval-queries N       query images (default 2000)
                  --stop-after N         stop after N iterations in total, with a checkpoint (to resume later);
                                         SIGTERM or Ctrl-C also stops after the current step with a checkpoint
                  --init W.safetensors   start student and teacher backbones from these weights (a model of
                                         the preset's architecture, e.g. the current teacher), heads fresh
                """
                .formatted(TrainConfig.presetNames());
    }

    @Override
    public int run(List<String> rawArgs) throws Exception {
        List<String> options = new java.util.ArrayList<>(RUN_OPTIONS);
        options.addAll(List.of("preset", "centering", "init"));
        Args args = Args.parse(rawArgs, options, List.of(), Map.of());
        if (!args.positional().isEmpty()) {
            throw new UsageException("unexpected argument " + args.positional().get(0));
        }
        String out = args.option("out", null);
        if (out == null) {
            throw new UsageException("--out is required");
        }
        Path runDir = Path.of(out);
        TrainConfig config = resolveConfig(args, runDir, "preset", "fmnist-vit-tiny");
        String init = args.option("init", null);
        if (init != null && !java.nio.file.Files.isRegularFile(Path.of(init))) {
            throw new UsageException("--init " + init + ": no such weights file");
        }
        return execute(args, config, runDir, RunSetup.selfSupervised(init == null ? null : Path.of(init)), "training");
    }

    /** Runs a training or distillation with the shared options (data, evaluation, stop) and a progress bar. */
    static int execute(Args args, TrainConfig config, Path runDir, RunSetup setup, String what) throws Exception {
        ImageDataset data = DatasetSpecs.open("--data", args.option("data", "fashion-mnist:train"), args.config);
        String evalSpec = args.option("eval-data", "fashion-mnist:test");
        int bankSize = args.intOption("eval-bank", 10_000, 1, Integer.MAX_VALUE);
        KnnEvaluation evaluation = evalSpec.equals("none")
                ? null
                : new KnnEvaluation(
                        evaluationBank(args, data, bankSize),
                        DatasetSpecs.open("--eval-data", evalSpec, args.config),
                        bankSize,
                        args.intOption("eval-queries", 2_000, 1, Integer.MAX_VALUE));
        Files.createDirectories(runDir);
        Files.writeString(runDir.resolve("config.json"), config.toJson());
        System.err.println(what + " " + config.preset() + " on " + data.describe() + " into " + runDir);
        System.err.println(
                "model: " + config.model().toDinoV2Config(config.preset()).summary());
        if (evaluation != null) {
            System.err.println("evaluation after each epoch: " + evaluation.describe());
        }
        long stopAfter = args.intOption("stop-after", 0, 0, Integer.MAX_VALUE);
        ProgressListener listener = new ProgressListener();
        SslTrainer trainer = new SslTrainer(config, data, runDir, evaluation, stopAfter, setup);
        // The summary is printed inside: on SIGTERM the JVM exits as soon as this block is left.
        try (StopOnShutdown stop = new StopOnShutdown("the run", trainer::requestStop, Duration.ofMinutes(5))) {
            SslTrainer.Result result = trainer.run(listener);
            if (listener.bar != null) {
                listener.bar.finish();
            }
            System.out.println((result.finished() ? "finished" : "stopped") + " after " + result.iterations()
                    + " iterations; model: " + result.model() + ", curves: " + runDir.resolve("curves.png"));
        }
        return 0;
    }

    /**
     * The k-NN bank: --eval-bank-data, else the training data when it is labelled, else Fashion-MNIST's train
     * split (a curated pool or a directory has no labels to vote with).
     */
    private static ImageDataset evaluationBank(Args args, ImageDataset data, int bankSize) throws Exception {
        String spec = args.option("eval-bank-data", null);
        if (spec != null) {
            ImageDataset bank = DatasetSpecs.open("--eval-bank-data", spec, args.config);
            if (!KnnEvaluation.labelled(bank, bankSize)) {
                throw new UsageException(
                        "--eval-bank-data " + spec + " has unlabelled images; a k-NN bank needs labels");
            }
            return bank;
        }
        return KnnEvaluation.labelled(data, bankSize)
                ? data
                : DatasetSpecs.open("--eval-bank-data", "fashion-mnist:train", args.config);
    }

    /**
     * The checkpoint's config when resuming, else the preset with the options applied. A resumed run
     * accepts the options it was started with (so the same command line continues it, as the retrain loop
     * does, {@code --recipe} included) and refuses any that would change it.
     */
    static TrainConfig resolveConfig(Args args, Path runDir, String presetOption, String defaultPreset)
            throws Exception {
        return resolveConfig(args, runDir, presetOption, defaultPreset, false);
    }

    /**
     * As {@link #resolveConfig(Args, Path, String, String)}; with {@code headFromTeacher} (distillation, whose
     * head is the teacher's) a recipe's head is not compared with the saved one.
     */
    static TrainConfig resolveConfig(
            Args args, Path runDir, String presetOption, String defaultPreset, boolean headFromTeacher)
            throws Exception {
        Optional<Path> checkpoint = Checkpoint.find(runDir);
        if (checkpoint.isPresent()) {
            TrainConfig saved = Checkpoint.config(checkpoint.get());
            System.err.println("resuming from " + checkpoint.get() + " with its saved config");
            String recipe = args.option("recipe", null);
            if (recipe != null) {
                // The recipe names every setting, so the command line must resolve to exactly the saved config.
                TrainConfig fresh = freshConfig(args, presetOption, defaultPreset);
                if (headFromTeacher) {
                    fresh = fresh.withHead(saved.head());
                }
                if (!fresh.equals(saved)) {
                    throw new UsageException("--recipe " + recipe + " with these options differs from the config of "
                            + "the run that has a checkpoint (" + checkpoint.get() + "); use a new --out");
                }
                return saved;
            }
            Map<String, java.util.function.Function<TrainConfig, Object>> savedValues = new LinkedHashMap<>();
            savedValues.put(presetOption, c -> c.preset());
            savedValues.put("epochs", c -> c.optim().epochs());
            savedValues.put("batch-size", c -> c.optim().batchSize());
            savedValues.put("images-per-epoch", c -> c.optim().imagesPerEpoch());
            savedValues.put("seed", c -> (int) c.seed());
            savedValues.put("centering", c -> c.loss().centering());
            savedValues.put("teacher-temp", c -> c.loss().teacherTemp());
            savedValues.put("ibot-patches", c -> c.loss().distillIbotPatches());
            for (Map.Entry<String, java.util.function.Function<TrainConfig, Object>> option : savedValues.entrySet()) {
                String given = args.option(option.getKey(), null);
                Object was = option.getValue().apply(saved);
                if (given != null && !sameValue(given, was)) {
                    throw new UsageException("--" + option.getKey() + " " + given + " cannot change a run that has a "
                            + "checkpoint (" + checkpoint.get() + ", started with " + was + "); use a new --out");
                }
            }
            return saved;
        }
        return freshConfig(args, presetOption, defaultPreset);
    }

    /** The preset or recipe with the command line's options applied: the config a new run starts with. */
    private static TrainConfig freshConfig(Args args, String presetOption, String defaultPreset) throws Exception {
        TrainConfig config = baseConfig(args, presetOption, defaultPreset);
        TrainConfig.OptimSpec o = config.optim();
        config = config.withRun(
                args.intOption("epochs", o.epochs(), 1, 100_000),
                args.intOption("batch-size", o.batchSize(), 2, 65_536),
                args.intOption("images-per-epoch", o.imagesPerEpoch(), 0, Integer.MAX_VALUE));
        config = config.withSeed(args.intOption("seed", 0, 0, Integer.MAX_VALUE));
        String teacherTemp = args.option("teacher-temp", null);
        if (teacherTemp != null) {
            config = config.withLoss(config.loss().withTeacherTemp(args.doubleOption("teacher-temp", 0, 1e-6, 10)));
        }
        String centering = args.option("centering", null);
        if (centering != null) {
            config = config.withCentering(centering);
        }
        if (args.option("ibot-patches", null) != null) { // distill's option
            config =
                    config.withLoss(config.loss().withDistillIbotPatches(args.intOption("ibot-patches", 0, 0, 65_536)));
        }
        return config;
    }

    /** Whether an option's text names the value a saved run has (numbers compared as numbers). */
    private static boolean sameValue(String given, Object saved) {
        if (saved instanceof Number number) {
            try {
                return Double.parseDouble(given) == number.doubleValue();
            } catch (NumberFormatException e) {
                return false; // not a number: certainly not the saved one (parsing it later names the error)
            }
        }
        return given.equalsIgnoreCase(String.valueOf(saved));
    }

    /** The preset, or the config file given with {@code --recipe} (a run's resolved config, perhaps edited). */
    private static TrainConfig baseConfig(Args args, String presetOption, String defaultPreset) throws Exception {
        String file = args.option("recipe", null);
        if (file == null) {
            return TrainConfig.preset(args.option(presetOption, defaultPreset));
        }
        if (args.option(presetOption, null) != null) {
            throw new UsageException("--" + presetOption + " and --recipe exclude each other");
        }
        return readRecipe("--recipe " + file, Path.of(file));
    }

    /** A resolved training config file (a run's config.json, perhaps edited); usage errors begin with {@code what}. */
    static TrainConfig readRecipe(String what, Path file) throws Exception {
        if (!Files.isRegularFile(file)) {
            throw new UsageException(what + ": no such file");
        }
        try {
            return TrainConfig.fromJson(Files.readString(file));
        } catch (RuntimeException e) {
            throw new UsageException(what + ": not a training config: " + e.getMessage());
        }
    }

    /** A progress bar over iterations with loss, learning rate and images/s; a line per epoch. */
    static final class ProgressListener implements TrainListener {
        ProgressBar bar;

        @Override
        public void onStep(long i, long total, StepLosses l, StepSchedule s, double imagesPerSecond) {
            if (bar == null) {
                bar = new ProgressBar(System.err, "train", total);
            }
            bar.update(
                    i + 1,
                    String.format(Locale.ROOT, "loss %.3f lr %.2e %.0f img/s", l.total(), s.lr(), imagesPerSecond));
        }

        @Override
        public void onEpoch(EpochMetrics m) {
            if (bar != null) {
                bar.finish();
            }
            System.err.printf(
                    Locale.ROOT,
                    "%nepoch %d: loss %.4f (dino local %.4f, global %.4f, koleo %.4f, ibot %.4f)"
                            + " %s %.0f img/s %.0f s%n",
                    m.epoch(),
                    m.loss(),
                    m.dinoLocal(),
                    m.dinoGlobal(),
                    m.koleo(),
                    m.ibot(),
                    Double.isNaN(m.knnTop1())
                            ? "no k-NN"
                            : String.format(Locale.ROOT, "k-NN top-1 %.2f%%", m.knnTop1()),
                    m.imagesPerSecond(),
                    m.seconds());
        }
    }
}
