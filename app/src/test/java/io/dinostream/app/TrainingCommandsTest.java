package io.dinostream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.embedder.model.DinoV2Model;
import io.dinostream.trainer.config.TrainConfig;
import io.dinostream.trainer.train.LossLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dinostream train}, {@code distill}, {@code eval} and {@code bench train} as a user runs them, on
 * Fashion-MNIST with the real engine, shortened with {@code --stop-after}, small batches and subsets.
 */
class TrainingCommandsTest {
    @Test
    void trainResumeDistillAndEvaluate(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("tiny");
        List<String> train = List.of(
                "train",
                "--preset",
                "fmnist-vit-tiny",
                "--data",
                "fashion-mnist:train",
                "--out",
                run.toString(),
                "--epochs",
                "2",
                "--batch-size",
                "16",
                "--images-per-epoch",
                "48",
                "--eval-bank",
                "300",
                "--eval-queries",
                "100");
        String first = run(concat(train, "--stop-after", "2"));
        assertTrue(first.contains("stopped after 2 iterations"), first);
        // Resuming refuses to change the run, then continues it with its saved config: the same command
        // line continues it (what the retrain loop does after a crash).
        assertEquals(2, Main.run(List.of("train", "--out", run.toString(), "--epochs", "5")));
        assertEquals(2, Main.run(concat(train, "--seed", "7")), "another seed changes the run");
        String rest = run(train);
        assertTrue(rest.contains("finished after 6 iterations"), rest);
        assertEquals(6, LossLog.read(run.resolve("losses.csv")).size());
        assertTrue(Files.size(run.resolve("curves.png")) > 1000);
        try (DinoV2Model model = DinoV2Model.load(run.resolve("model.safetensors"))) {
            assertEquals(96, model.embedDim());
        }

        Path student = dir.resolve("micro");
        String distilled = run(List.of(
                "distill",
                "--teacher",
                run.resolve("model.safetensors").toString(),
                "--student-preset",
                "fmnist-vit-micro",
                "--out",
                student.toString(),
                "--epochs",
                "1",
                "--batch-size",
                "16",
                "--images-per-epoch",
                "32",
                "--ibot-patches",
                "4",
                "--eval-data",
                "none"));
        assertTrue(distilled.contains("finished after 2 iterations"), distilled);
        // iBOT compared 4 of each crop's 16 patches, as the saved config says.
        assertEquals(
                4,
                TrainConfig.fromJson(Files.readString(student.resolve("config.json")))
                        .loss()
                        .distillIbotPatches());
        try (DinoV2Model model = DinoV2Model.load(student.resolve("model.safetensors"))) {
            assertEquals(48, model.embedDim());
        }

        double pixels = top1(
                run(List.of("eval", "knn", "--weights", "pixels", "--train-limit", "2000", "--test-limit", "300")));
        double trained = top1(run(List.of(
                "eval",
                "knn",
                "--weights",
                run.resolve("model.safetensors").toString(),
                "--train-limit",
                "2000",
                "--test-limit",
                "300")));
        double random = top1(run(List.of(
                "eval", "knn", "--weights", "random:fmnist-vit-tiny", "--train-limit", "2000", "--test-limit", "300")));
        assertTrue(pixels > 70, "pixel baseline " + pixels);
        // random:PRESET is the network a run starts from, so this 2-step run is still close to it; the
        // shipped default model is far above both.
        double shipped = top1(run(List.of("eval", "knn", "--train-limit", "2000", "--test-limit", "300")));
        assertTrue(shipped > random + 10 && shipped > trained + 10, shipped + " vs " + random + ", " + trained);
        double linear = top1(run(List.of(
                "eval",
                "linear",
                "--weights",
                "pixels",
                "--train-limit",
                "2000",
                "--test-limit",
                "300",
                "--epochs",
                "20")));
        assertTrue(linear > 65, "linear probe on pixels " + linear);
    }

    @Test
    void trainStartsFromAnEditedRecipe(@TempDir Path dir) throws Exception {
        TrainConfig preset = TrainConfig.preset("fmnist-vit-tiny");
        TrainConfig.CropSpec c = preset.crops();
        TrainConfig edited = new TrainConfig(
                preset.preset(),
                preset.model(),
                preset.head(),
                new TrainConfig.CropSpec(c.globalSize(), c.localSize(), 2, 0.5, 1.0, 0.2, 0.5),
                preset.loss(),
                preset.optim(),
                preset.seed());
        Path recipe = dir.resolve("recipe.json");
        Files.writeString(recipe, edited.toJson());
        Path run = dir.resolve("edited");
        List<String> train = List.of(
                "train",
                "--recipe",
                recipe.toString(),
                "--out",
                run.toString(),
                "--batch-size",
                "8",
                "--images-per-epoch",
                "16",
                "--eval-data",
                "none",
                "--stop-after",
                "1");
        String printed = run(train);
        assertTrue(printed.contains("stopped after 1 iterations"), printed);
        TrainConfig saved = TrainConfig.fromJson(Files.readString(run.resolve("config.json")));
        assertEquals(2, saved.crops().localCrops());
        assertEquals(0.2, saved.crops().localScaleMin());
        assertEquals(8, saved.optim().batchSize(), "options still apply on top of the recipe");

        List<String> resume = concat(train.subList(0, train.size() - 1), "2");
        String resumed = run(resume);
        assertTrue(resumed.contains("stopped after 2 iterations"), "the same command line resumes: " + resumed);
        assertEquals(
                2,
                Main.run(concat(resume.subList(0, resume.size() - 1), "3", "--seed", "7")),
                "a resumed run refuses a change on top of its recipe");
        Files.writeString(recipe, preset.toJson());
        assertEquals(2, Main.run(concat(resume.subList(0, resume.size() - 1), "3")), "an edited recipe");

        assertEquals(2, Main.run(concat(train, "--preset", "fmnist-vit-tiny")), "--preset and --recipe together");
        assertEquals(
                2,
                Main.run(
                        List.of("train", "--recipe", dir.resolve("missing.json").toString(), "--out", "x")),
                "a missing recipe file");
        Files.writeString(dir.resolve("bad.json"), "{\"preset\": 3");
        assertEquals(
                2,
                Main.run(List.of("train", "--recipe", dir.resolve("bad.json").toString(), "--out", "y")),
                "a malformed recipe file");
    }

    @Test
    void benchTrainReportsPhasesAndTheReference(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("train.md");
        String printed =
                run(List.of("bench", "train", "--batch-size", "8", "--steps", "2", "--output", report.toString()));
        assertTrue(printed.contains("| backward |"), printed);
        assertTrue(printed.contains("step / reference ="), printed);
        assertEquals(printed, Files.readString(report));
    }

    private static double top1(String printed) {
        Matcher m = Pattern.compile("top-1 ([0-9.]+)").matcher(printed);
        assertTrue(m.find(), printed);
        return Double.parseDouble(m.group(1));
    }

    private static List<String> concat(List<String> base, String... more) {
        List<String> out = new ArrayList<>(base);
        out.addAll(List.of(more));
        return out;
    }

    private static String run(List<String> args) {
        return Cli.run(args);
    }
}
