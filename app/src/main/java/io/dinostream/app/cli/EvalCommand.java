package io.dinostream.app.cli;

import ai.djl.ndarray.NDManager;
import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.embedder.model.DinoV2Config;
import io.dinostream.embedder.model.DinoV2Model;
import io.dinostream.trainer.config.TrainConfig;
import io.dinostream.trainer.data.Datasets;
import io.dinostream.trainer.data.ImageDataset;
import io.dinostream.trainer.eval.FeatureExtractor;
import io.dinostream.trainer.eval.Features;
import io.dinostream.trainer.eval.KnnClassifier;
import io.dinostream.trainer.eval.LinearProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code dinostream eval knn|linear}: the frozen-feature evaluations of DINO on a labelled dataset
 * (docs/training.md).
 */
public final class EvalCommand implements Command {
    @Override
    public String name() {
        return "eval";
    }

    @Override
    public String summary() {
        return "evaluate frozen features: weighted k-NN or a linear probe on Fashion-MNIST";
    }

    @Override
    public String help() {
        return """
                usage: dinostream eval knn    [--weights W|pixels|random:PRESET|random:RECIPE.json] [--data fashion-mnist]
                       dinostream eval linear [--weights W|pixels|random:PRESET|random:RECIPE.json] [--data fashion-mnist]

                knn     DINO's weighted k-NN: each test image's k nearest train images (cosine of the
                        L2-normalised CLS tokens) vote with weight exp(cos / T); prints top-1
                linear  a linear classifier (softmax regression, AdamW) trained on the frozen train
                        features, evaluated on the test features; prints top-1

                options:
                  --weights W       a safetensors file (official or Hugging Face names); pixels for the
                                    raw-pixel baseline; random:PRESET for the randomly initialised ViT a
                                    training run of that preset starts from (%s; --seed), or
                                    random:RECIPE.json for a run's config.json; default: the
                                    configured model (--model-weights, else --model-preset: its bundled
                                    weights where the repository ships them, else seeded random ones)
                  --data NAME       fashion-mnist (train split -> test split)
                  --train-limit N   use the first N train images (default all)
                  --test-limit N    use the first N test images (default all)
                  --k N             neighbours (default 20)
                  --temperature T   vote temperature (default 0.07)
                  --epochs N        linear probe epochs (default 100)
                  --seed N          seed of random weights (default 0)
                """
                .formatted(TrainConfig.presetNames());
    }

    @Override
    public int run(List<String> rawArgs) throws Exception {
        Args args = Args.parse(
                rawArgs,
                List.of("weights", "data", "train-limit", "test-limit", "k", "temperature", "epochs", "seed"),
                List.of(),
                Map.of());
        List<String> positional = args.positional();
        if (positional.size() != 1 || !List.of("knn", "linear").contains(positional.get(0))) {
            throw new UsageException("expected one subcommand: knn or linear");
        }
        String dataName = args.option("data", "fashion-mnist");
        if (!dataName.equals("fashion-mnist")) {
            throw new UsageException("unknown --data '" + dataName + "': only fashion-mnist is labelled");
        }
        ImageDataset train = Datasets.open("fashion-mnist:train");
        ImageDataset test = Datasets.open("fashion-mnist:test");
        int trainLimit = args.intOption("train-limit", train.size(), 1, Integer.MAX_VALUE);
        int testLimit = args.intOption("test-limit", test.size(), 1, Integer.MAX_VALUE);
        String weights = args.option("weights", null);
        Features[] features;
        String described;
        long start = System.nanoTime();
        if ("pixels".equals(weights)) {
            features =
                    new Features[] {FeatureExtractor.pixels(train, trainLimit), FeatureExtractor.pixels(test, testLimit)
                    };
            described = "raw pixels";
        } else {
            try (DinoV2Model model = model(args, weights)) {
                described = model.describe();
                features = model.withEngine((manager, ps, vit) -> new Features[] {
                    FeatureExtractor.backbone(vit, manager, train, trainLimit),
                    FeatureExtractor.backbone(vit, manager, test, testLimit)
                });
            }
        }
        System.err.printf(
                Locale.ROOT,
                "features: %s, %d train and %d test images, dim %d, %.1f s%n",
                described,
                features[0].size(),
                features[1].size(),
                features[0].dim(),
                (System.nanoTime() - start) / 1e9);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            if (positional.get(0).equals("knn")) {
                int k = args.intOption("k", KnnClassifier.DEFAULT_K, 1, 10_000);
                double t = Double.parseDouble(
                        args.option("temperature", Double.toString(KnnClassifier.DEFAULT_TEMPERATURE)));
                int[] predicted = KnnClassifier.predict(manager, features[0], features[1], k, t);
                double[] perClass = KnnClassifier.perClassTop1(predicted, features[1].labels());
                double top1 = KnnClassifier.accuracy(predicted, features[1].labels());
                StringBuilder classes = new StringBuilder();
                for (int c = 0; c < perClass.length; c++) {
                    classes.append(String.format(Locale.ROOT, " %d:%.1f", c, perClass[c]));
                }
                System.out.printf(Locale.ROOT, "k-NN per class top-1 (class:%%):%s%n", classes);
                System.out.printf(Locale.ROOT, "k-NN (k=%d, T=%s) top-1: %.2f%%%n", k, t, top1);
                System.out.printf(Locale.ROOT, "top-1 %.2f%n", top1);
            } else {
                int epochs = args.intOption("epochs", 100, 1, 100_000);
                LinearProbe.Result r = LinearProbe.train(manager, features[0], features[1], epochs, 0);
                System.out.printf(
                        Locale.ROOT,
                        "linear probe (%d epochs, lr %s) train %.2f%%, test top-1: %.2f%%%n",
                        epochs,
                        r.learningRate(),
                        r.trainTop1(),
                        r.testTop1());
                System.out.printf(Locale.ROOT, "top-1 %.2f%n", r.testTop1());
            }
        }
        return 0;
    }

    static DinoV2Model model(Args args, String weights) throws Exception {
        long seed = args.intOption("seed", 0, 0, Integer.MAX_VALUE);
        if (weights == null) {
            DinostreamConfig config = args.config;
            String file = config.getString(DinostreamConfig.MODEL_WEIGHTS);
            return file.isBlank()
                    ? DinoV2Model.forPreset(
                            config.getString(DinostreamConfig.MODEL_PRESET),
                            config.getLong(DinostreamConfig.MODEL_SEED))
                    : DinoV2Model.load(Path.of(file));
        }
        if (weights.startsWith("random:")) {
            // Exactly the backbone a `train --preset P --seed S` (or `--recipe FILE`) run starts from.
            TrainConfig preset = presetOrRecipe(weights.substring("random:".length()));
            DinoV2Config config = preset.model().toDinoV2Config(preset.preset());
            return DinoV2Model.of(
                    config,
                    preset.model().initialBackbone(preset.preset(), seed),
                    "random-" + seed,
                    "the training initialisation of " + preset.preset() + " (seed " + seed + ")");
        }
        Path path = Path.of(weights);
        if (!Files.isRegularFile(path)) {
            throw new UsageException(
                    "no such weights file: " + path + " (or use pixels, random:PRESET or random:RECIPE.json)");
        }
        return DinoV2Model.load(path);
    }

    /** A preset name, or a resolved training config file (a run's config.json) when it names a file. */
    private static TrainConfig presetOrRecipe(String nameOrFile) throws Exception {
        Path file = Path.of(nameOrFile);
        if (nameOrFile.endsWith(".json") || Files.isRegularFile(file)) {
            return TrainCommand.readRecipe("random:" + nameOrFile, file);
        }
        return TrainConfig.preset(nameOrFile);
    }
}
