package io.dinostream.app.cli;

import io.dinostream.embedder.hub.HubDownloader;
import io.dinostream.embedder.hub.KnownModels;
import io.dinostream.embedder.image.ImageDecoder;
import io.dinostream.embedder.image.Preprocessor;
import io.dinostream.embedder.image.RgbImage;
import io.dinostream.embedder.model.DinoV2Model;
import io.dinostream.embedder.model.LoadOptions;
import io.dinostream.embedder.model.ModelRunner;
import io.dinostream.embedder.model.SafeTensors;
import io.dinostream.embedder.model.SafeTensors.DType;
import io.dinostream.embedder.model.SafeTensors.FloatTensor;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code dinostream model run|info|preprocess|pull}: the model on its own, for checking dinostream against
 * the official DINOv2 code on any inputs (docs/models.md); and the registry's subcommands
 * ({@link RegistryCommands}).
 */
public final class ModelCommand implements Command {
    @Override
    public String name() {
        return "model";
    }

    @Override
    public String summary() {
        return "DINOv2 tools (run, info, preprocess, pull) and the model registry (register, list, describe, activate, rollback, retire)";
    }

    @Override
    public String help() {
        return """
                usage: dinostream model run --weights W.safetensors --input IN.safetensors --output OUT.safetensors
                       dinostream model info W.safetensors
                       dinostream model preprocess IMAGE --output OUT.safetensors [--resolution 224]
                       dinostream model pull facebook/dinov2-small [--dir models] [--revision main]
                       dinostream model register W.safetensors [--name N] [--parent VERSION] [--metrics k=v,...]
                       dinostream model list | describe VERSION | activate VERSION [--now] | rollback | retire VERSION

                run         every float tensor <x> of shape (B,3,H,W) in IN goes through forward_features;
                            OUT gets <x>.x_norm_clstoken, <x>.x_norm_patchtokens and, with registers,
                            <x>.x_norm_regtokens. A BOOL tensor <x>_masks of shape (B, patches) adds the
                            masked forward as <x>_masked.x_norm_clstoken / <x>_masked.x_norm_patchtokens.
                info        the architecture inferred from the tensors, and the parameter count
                preprocess  the official evaluation transform (resize the shorter side to 256 with PIL's
                            antialiased bicubic, centre crop 224, ImageNet mean/std); OUT gets
                            <file name without extension>.normalized of shape (3,224,224)
                pull        downloads a released model's model.safetensors from the Hugging Face hub
                            (HF_ENDPOINT overrides the hub, HF_TOKEN is sent if set) into DIR/<name>.safetensors,
                            resuming an interrupted download and checking its size and SHA-256. Models:
                            facebook/dinov2-{small,base,large,giant} and
                            facebook/dinov2-with-registers-{small,base,large,giant}

                register    stores the weights by content (model.store.dir, default DATA_DIR/models:
                            sha256/<digest>.safetensors) and records a version in the registry topic
                            dinostream.models.v1 (needs --bootstrap-servers). The version id is the
                            first 12 hex digits of the SHA-256, the version every embedding names.
                list        every version: state (active, previous, registered, retired), name, dimension,
                            parent, creation time, metrics
                describe    one version (an id or a unique prefix of 4+ digits) in full
                activate    asks the serving nodes to activate a version: they backfill its index (every
                            stored image re-embedded, new images embedded by both versions) and flip to
                            it once it has caught up; with --now the flip is written at once. One
                            record either way, so the flip is atomic; the version it replaces becomes
                            the rollback target
                rollback    returns to the previous version at once
                retire      keeps a version on record but never activates it again (not the active one)

                options:
                  --weights FILE      safetensors, official or Hugging Face names (auto-detected)
                  --preset NAME       require this architecture (vits14, vitb14_reg4, ...); default: inferred
                  --heads N           attention heads, for widths that are not a released model's
                  --interpolate-offset X, --interpolate-antialias true|false
                                      positional-embedding interpolation; default as the official hub
                                      models: 0.1 and false without registers, 0.0 and true with
                  --input FILE        the input tensors (run)
                  --output FILE       where to write (run, preprocess)
                  --resolution N      crop side for preprocess, a multiple of 14 (default 224)
                  --dir DIR           where pull writes (default models)
                  --revision REV      hub revision for pull (default main)
                  --name N            register: a label (default: the file name)
                  --parent VERSION    register: the version it was trained or distilled from
                  --metrics k=v,...   register: evaluation results, e.g. knn_top1=85.38
                  --now               activate: flip at once, without waiting for a backfill
                """;
    }

    @Override
    public int run(List<String> rawArgs) throws Exception {
        Args args = Args.parse(
                rawArgs,
                List.of(
                        "weights",
                        "preset",
                        "heads",
                        "interpolate-offset",
                        "interpolate-antialias",
                        "input",
                        "output",
                        "resolution",
                        "dir",
                        "revision",
                        "name",
                        "parent",
                        "metrics"),
                List.of("now"),
                Map.of());
        List<String> positional = args.positional();
        if (positional.isEmpty()) {
            throw new UsageException(
                    "expected a subcommand: run, info, preprocess, pull, register, list, describe, activate, rollback or retire");
        }
        List<String> operands = positional.subList(1, positional.size());
        if (RegistryCommands.SUBCOMMANDS.contains(positional.get(0))) {
            return RegistryCommands.run(positional.get(0), args, operands, loadOptions(args));
        }
        return switch (positional.get(0)) {
            case "run" -> runModel(args, operands);
            case "info" -> info(args, operands);
            case "preprocess" -> preprocess(args, operands);
            case "pull" -> pull(args, operands);
            default -> throw new UsageException(
                    "unknown subcommand '" + positional.get(0)
                            + "': expected run, info, preprocess, pull, register, list, describe, activate, rollback or retire");
        };
    }

    private static int runModel(Args args, List<String> operands) throws Exception {
        requireNone(operands);
        Path weights = existingFile(required(args, "weights"));
        Path input = existingFile(required(args, "input"));
        Path output = Path.of(required(args, "output"));
        try (DinoV2Model model = DinoV2Model.load(weights, loadOptions(args))) {
            System.err.println("model: " + model.describe());
            Map<String, FloatTensor> outputs = ModelRunner.run(model, input, output);
            outputs.forEach(
                    (name, tensor) -> System.out.printf("%-40s %s%n", name, java.util.Arrays.toString(tensor.shape())));
            System.out.println("wrote " + outputs.size() + " tensors to " + output);
        }
        return 0;
    }

    private static int info(Args args, List<String> operands) throws Exception {
        if (operands.size() != 1) {
            throw new UsageException("expected exactly one weights file, got " + operands);
        }
        Path weights = existingFile(operands.get(0));
        try (DinoV2Model model = DinoV2Model.load(weights, loadOptions(args))) {
            System.out.println(model.describe());
        }
        return 0;
    }

    private static int preprocess(Args args, List<String> operands) throws Exception {
        if (operands.size() != 1) {
            throw new UsageException("expected exactly one image file, got " + operands);
        }
        Path image = existingFile(operands.get(0));
        Path output = Path.of(required(args, "output"));
        int resolution = args.intOption("resolution", Preprocessor.DEFAULT_RESOLUTION, 14, 4096);
        Preprocessor preprocessor = new Preprocessor(resolution);
        RgbImage decoded = new ImageDecoder().decode(Files.readAllBytes(image));
        float[] tensor = preprocessor.preprocess(decoded);
        String fileName = image.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        String name = (dot > 0 ? fileName.substring(0, dot) : fileName) + ".normalized";
        SafeTensors.write(
                output,
                Map.of(name, new FloatTensor(new long[] {3, resolution, resolution}, tensor)),
                Map.of("producer", "dinostream model preprocess"),
                DType.F32);
        System.out.printf(
                "%s: %dx%d -> %s (3,%d,%d) in %s%n",
                image, decoded.width(), decoded.height(), name, resolution, resolution, output);
        return 0;
    }

    private static int pull(Args args, List<String> operands) throws Exception {
        if (operands.size() != 1) {
            throw new UsageException("expected exactly one model name, e.g. facebook/dinov2-small, got " + operands);
        }
        KnownModels.Entry model;
        try {
            model = KnownModels.find(operands.get(0));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Path target = Path.of(args.option("dir", "models")).resolve(KnownModels.fileName(model));
        URI endpoint = HubDownloader.endpointFromEnvironment();
        System.err.printf("pulling %s (about %s) from %s%n", model.repository(), model.approximateSize(), endpoint);
        ProgressBar[] bar = new ProgressBar[1];
        HubDownloader.Result result;
        try {
            result = new HubDownloader(endpoint, System.getenv("HF_TOKEN"))
                    .pull(model.repository(), args.option("revision", "main"), "model.safetensors", target, (d, t) -> {
                        if (bar[0] == null) {
                            bar[0] = ProgressBar.bytes(System.err, "pull", t);
                        }
                        bar[0].update(d);
                    });
        } catch (java.io.IOException e) {
            System.err.println("dinostream model pull: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (e instanceof java.net.ConnectException || e instanceof java.net.http.HttpConnectTimeoutException) {
                System.err.println("cannot reach " + endpoint + ": no network here? Download model.safetensors "
                        + "elsewhere and pass it with --model-weights (docs/models.md); a partial download in "
                        + target.toAbsolutePath().getParent() + " resumes on the next pull");
            }
            return 1;
        } finally {
            if (bar[0] != null) {
                bar[0].finish();
            }
        }
        System.out.printf(
                "%s %s (%,d bytes, sha256 %s%s); use it with --model-weights %s%n",
                result.alreadyPresent() ? "already present:" : "downloaded",
                result.file(),
                result.bytes(),
                result.sha256(),
                result.resumedFrom() > 0 ? ", resumed at byte " + result.resumedFrom() : "",
                result.file());
        return 0;
    }

    private static LoadOptions loadOptions(Args args) {
        LoadOptions options = LoadOptions.defaults();
        String preset = args.option("preset", null);
        if (preset != null) {
            options = options.withPreset(preset);
        }
        if (args.option("heads", null) != null) {
            options = options.withNumHeads(args.intOption("heads", 0, 1, 1024));
        }
        String offset = args.option("interpolate-offset", null);
        String antialias = args.option("interpolate-antialias", null);
        if ((offset == null) != (antialias == null)) {
            throw new UsageException("give both --interpolate-offset and --interpolate-antialias, or neither");
        }
        if (offset != null) {
            if (!antialias.equals("true") && !antialias.equals("false")) {
                throw new UsageException("--interpolate-antialias must be true or false, got '" + antialias + "'");
            }
            try {
                options = options.withInterpolation(Double.parseDouble(offset), Boolean.parseBoolean(antialias));
            } catch (NumberFormatException e) {
                throw new UsageException("--interpolate-offset must be a number, got '" + offset + "'");
            }
        }
        return options;
    }

    private static String required(Args args, String option) {
        String value = args.option(option, null);
        if (value == null) {
            throw new UsageException("--" + option + " is required");
        }
        return value;
    }

    private static Path existingFile(String path) {
        Path p = Path.of(path);
        if (!Files.isRegularFile(p)) {
            throw new UsageException("no such file: " + p);
        }
        return p;
    }

    private static void requireNone(List<String> operands) {
        if (!operands.isEmpty()) {
            throw new UsageException("unexpected arguments " + operands);
        }
    }
}
