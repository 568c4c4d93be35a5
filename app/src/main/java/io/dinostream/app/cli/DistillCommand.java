package io.dinostream.app.cli;

import io.dinostream.trainer.config.TrainConfig;
import io.dinostream.trainer.distill.DistillationSetup;
import io.dinostream.trainer.train.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code dinostream distill}: a frozen teacher distilled into a smaller student (docs/training.md). */
public final class DistillCommand implements Command {
    @Override
    public String name() {
        return "distill";
    }

    @Override
    public String summary() {
        return "distil a frozen teacher model into a smaller student (DINO + iBOT + KoLeo, EMA of the student)";
    }

    @Override
    public String help() {
        return """
                usage: dinostream distill --teacher W.safetensors --student-preset fmnist-vit-micro
                                          --data fashion-mnist:train --out runs/Y [--epochs N] [--batch-size N]

                Trains the student to reproduce the frozen teacher's DINO and iBOT outputs on multi-crops
                (no masking, no stochastic depth, iBOT on the patches of the global crops, KoLeo), and
                keeps the EMA of the student as the result: runs/Y/model.safetensors. The teacher is any
                weights file the embedder loads; when it is a dinostream run's model.safetensors its
                trained DINO head (from the run's checkpoint) gives the targets, otherwise a frozen random
                head does. Teacher and student must have the same patch size.

                options:
                  --teacher FILE         the teacher's weights (required)
                  --student-preset NAME  %s (default fmnist-vit-micro)
                  --out DIR              the run directory (required); running again resumes
                  --ibot-patches N       iBOT compares N random patches of each global crop per step
                                         instead of every patch (0, the default): on a fine patch grid
                                         the heads on every patch cost most of a CPU step
                  --data, --epochs, --batch-size, --images-per-epoch, --seed, --eval-data, --eval-bank, --eval-bank-data,
                  --eval-queries, --stop-after, --teacher-temp, --recipe   as for dinostream train
                """
                .formatted(TrainConfig.presetNames());
    }

    @Override
    public int run(List<String> rawArgs) throws Exception {
        List<String> options = new java.util.ArrayList<>(TrainCommand.RUN_OPTIONS);
        options.addAll(List.of("teacher", "student-preset", "ibot-patches"));
        Args args = Args.parse(rawArgs, options, List.of(), Map.of());
        if (!args.positional().isEmpty()) {
            throw new UsageException("unexpected argument " + args.positional().get(0));
        }
        String teacher = args.option("teacher", null);
        String out = args.option("out", null);
        if (teacher == null || out == null) {
            throw new UsageException("--teacher and --out are required");
        }
        Path teacherPath = Path.of(teacher);
        if (!Files.isRegularFile(teacherPath)) {
            throw new UsageException("no such teacher weights file: " + teacherPath);
        }
        Path runDir = Path.of(out);
        TrainConfig config = TrainCommand.resolveConfig(args, runDir, "student-preset", "fmnist-vit-micro", true);
        DistillationSetup setup = DistillationSetup.load(teacherPath, config.head());
        if (Checkpoint.find(runDir).isEmpty()) {
            config = config.withHead(setup.headSpec());
        }
        System.err.println("teacher: " + setup.describe());
        long teacherParameters = setup.teacherConfig().parameterCount();
        long studentParameters = config.model().toDinoV2Config(config.preset()).parameterCount();
        System.err.printf(
                "student: %,d parameters, %.1f%% of the teacher's %,d%n",
                studentParameters, 100.0 * studentParameters / teacherParameters, teacherParameters);
        return TrainCommand.execute(args, config, runDir, setup, "distilling into");
    }
}
