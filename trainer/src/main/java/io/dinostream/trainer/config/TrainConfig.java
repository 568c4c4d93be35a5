package io.dinostream.trainer.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dinostream.embedder.model.DinoV2Config;
import io.dinostream.embedder.model.FfnType;
import io.dinostream.embedder.model.SafeTensors;
import io.dinostream.embedder.model.WeightInit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything one self-supervised run depends on, resolved: the student architecture, the head, the
 * crops, the losses and the optimisation, with DINOv2's names and defaults where they apply ({@code
 * dinov2/configs/ssl_default_config.yaml}). Saved as JSON next to every checkpoint, so a run can be
 * resumed or reproduced from its directory alone.
 *
 * @param preset the preset this config started from
 * @param model the student (and teacher) backbone
 * @param head the DINO / iBOT head (shared, as the reference's default {@code separate_head: false})
 * @param crops the multi-crop augmentation
 * @param loss loss weights, temperatures and the teacher centering
 * @param optim epochs, batch, schedules and optimizer settings
 * @param seed the seed of every random choice (data order, crops, masks, initialisation, stochastic depth)
 */
public record TrainConfig(
        String preset, ModelSpec model, HeadSpec head, CropSpec crops, LossSpec loss, OptimSpec optim, long seed) {

    /**
     * The backbone: a DINOv2 ViT with a learned positional grid of {@code imageSize / patchSize}.
     *
     * @param layerScaleInit the initial LayerScale gamma (the reference's {@code layerscale}: 1e-5)
     */
    public record ModelSpec(
            int patchSize,
            int embedDim,
            int depth,
            int numHeads,
            int mlpRatio,
            int imageSize,
            double dropPathRate,
            double layerScaleInit) {
        /**
         * The backbone a training run with this seed starts from: the official training initialisation
         * with this spec's LayerScale gamma, under official names.
         */
        public Map<String, SafeTensors.FloatTensor> initialBackbone(String name, long seed) {
            Map<String, SafeTensors.FloatTensor> weights =
                    WeightInit.random(toDinoV2Config(name), seed, WeightInit.Scheme.OFFICIAL_TRAINING);
            weights.replaceAll((key, t) -> {
                if (!key.endsWith(".gamma")) {
                    return t;
                }
                float[] gamma = new float[t.data().length];
                java.util.Arrays.fill(gamma, (float) layerScaleInit);
                return new SafeTensors.FloatTensor(t.shape(), gamma);
            });
            return weights;
        }

        public DinoV2Config toDinoV2Config(String name) {
            if (imageSize % patchSize != 0) {
                throw new IllegalArgumentException(
                        "image size " + imageSize + " is not a multiple of the patch size " + patchSize);
            }
            return new DinoV2Config(
                    name,
                    patchSize,
                    3,
                    embedDim,
                    depth,
                    numHeads,
                    0,
                    FfnType.MLP,
                    embedDim * mlpRatio,
                    imageSize / patchSize,
                    true,
                    1e-6f,
                    0.1,
                    false);
        }
    }

    /** The head: {@code prototypes} outputs, a 3-layer MLP of {@code hiddenDim} into {@code bottleneckDim}. */
    public record HeadSpec(int prototypes, int hiddenDim, int bottleneckDim) {}

    /** Two global crops and {@code localCrops} local ones, with their sizes and area ranges. */
    public record CropSpec(
            int globalSize,
            int localSize,
            int localCrops,
            double globalScaleMin,
            double globalScaleMax,
            double localScaleMin,
            double localScaleMax) {}

    /**
     * @param centering {@code sinkhorn_knopp} (DINOv2) or {@code softmax} (DINO's centering)
     * @param maskRatioMin lower end of the iBOT mask ratio range (reference 0.1)
     * @param maskRatioMax upper end (reference 0.5)
     * @param maskProbability share of global crops that are masked (reference 0.5)
     * @param distillIbotPatches distillation only: how many patches of each global crop the iBOT loss
     *     compares, drawn at random each step; 0 (the paper, and a config without the field) compares
     *     every patch. On a CPU the heads on every patch cost most of a fine-grid step, and a random
     *     subset estimates the same mean loss.
     */
    public record LossSpec(
            double dinoWeight,
            double ibotWeight,
            double koleoWeight,
            double studentTemp,
            double teacherTemp,
            double warmupTeacherTemp,
            int teacherTempWarmupEpochs,
            String centering,
            double centerMomentum,
            double maskRatioMin,
            double maskRatioMax,
            double maskProbability,
            int distillIbotPatches) {
        public LossSpec {
            if (distillIbotPatches < 0) {
                throw new IllegalArgumentException(
                        "distillIbotPatches must be 0 (every patch) or a count, got " + distillIbotPatches);
            }
        }

        /** A copy with another centering and teacher-temperature warm-up. */
        public LossSpec with(String newCentering, int newTeacherTempWarmupEpochs) {
            return new LossSpec(
                    dinoWeight,
                    ibotWeight,
                    koleoWeight,
                    studentTemp,
                    teacherTemp,
                    warmupTeacherTemp,
                    newTeacherTempWarmupEpochs,
                    newCentering,
                    centerMomentum,
                    maskRatioMin,
                    maskRatioMax,
                    maskProbability,
                    distillIbotPatches);
        }

        /** A copy comparing {@code patches} random patches per global crop in distillation (0: every patch). */
        public LossSpec withDistillIbotPatches(int patches) {
            return new LossSpec(
                    dinoWeight,
                    ibotWeight,
                    koleoWeight,
                    studentTemp,
                    teacherTemp,
                    warmupTeacherTemp,
                    teacherTempWarmupEpochs,
                    centering,
                    centerMomentum,
                    maskRatioMin,
                    maskRatioMax,
                    maskProbability,
                    patches);
        }

        /** A copy with a constant teacher temperature (warm-up from and to {@code temperature}). */
        public LossSpec withTeacherTemp(double temperature) {
            if (!(temperature > 0)) {
                throw new IllegalArgumentException("teacher temperature must be positive, got " + temperature);
            }
            return new LossSpec(
                    dinoWeight,
                    ibotWeight,
                    koleoWeight,
                    studentTemp,
                    temperature,
                    temperature,
                    teacherTempWarmupEpochs,
                    centering,
                    centerMomentum,
                    maskRatioMin,
                    maskRatioMax,
                    maskProbability,
                    distillIbotPatches);
        }

        public boolean sinkhornKnopp() {
            return switch (centering) {
                case "sinkhorn_knopp" -> true;
                case "softmax" -> false;
                default -> throw new IllegalArgumentException(
                        "unknown centering '" + centering + "': use sinkhorn_knopp or softmax");
            };
        }
    }

    /**
     * @param baseLr the learning rate for a batch of 1024; scaled by {@code sqrt(batch / 1024)} as the
     *     reference's {@code sqrt_wrt_1024} rule
     * @param imagesPerEpoch images per epoch, at most the dataset size (0: the whole dataset)
     */
    public record OptimSpec(
            int epochs,
            int batchSize,
            int imagesPerEpoch,
            double baseLr,
            double minLr,
            int warmupEpochs,
            double weightDecay,
            double weightDecayEnd,
            double layerDecay,
            double patchEmbedLrMult,
            double clipGrad,
            int freezeLastLayerEpochs,
            double momentumTeacher,
            double finalMomentumTeacher,
            double beta1,
            double beta2) {
        /** The learning rate this batch size trains with. */
        public double scaledLr() {
            return baseLr * Math.sqrt(batchSize / 1024.0);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public TrainConfig {
        if (model.imageSize() != crops.globalSize()) {
            throw new IllegalArgumentException("the model's image size " + model.imageSize()
                    + " must equal the global crop size " + crops.globalSize());
        }
        if (crops.localSize() % model.patchSize() != 0 || crops.globalSize() % model.patchSize() != 0) {
            throw new IllegalArgumentException("crop sizes " + crops.globalSize() + "/" + crops.localSize()
                    + " must be multiples of the patch size " + model.patchSize());
        }
        if (optim.epochs() <= 0 || optim.batchSize() < 2) {
            throw new IllegalArgumentException(
                    "need at least 1 epoch and a batch of 2, got " + optim.epochs() + " and " + optim.batchSize());
        }
        if (optim.warmupEpochs() + optim.freezeLastLayerEpochs() > optim.epochs()
                || loss.teacherTempWarmupEpochs() > optim.epochs()) {
            throw new IllegalArgumentException("warm-up (" + optim.warmupEpochs() + "), frozen last layer ("
                    + optim.freezeLastLayerEpochs() + ") and teacher temperature warm-up ("
                    + loss.teacherTempWarmupEpochs() + ") epochs must fit in " + optim.epochs() + " epochs");
        }
        loss.sinkhornKnopp();
    }

    /**
     * A ViT sized for 28x28 Fashion-MNIST on a few CPU cores: patch 7 (16 tokens), width 96, 3 heads, 4 blocks;
     * 8 local crops of 14 pixels (4 tokens) and milder crop scales than the reference (global 0.5-1, local
     * 0.2-0.5: a tenth of a 28-pixel garment shows too little of it); 1024 prototypes; LayerScale starting
     * at 0.1; teacher temperature 0.02 throughout (the reference's 0.04 to 0.07 left this small model's
     * cosine logits, spread about 0.04, at a near-uniform teacher and a flat DINO loss); 30 epochs.
     * docs/training.md has the runs behind each choice.
     */
    public static TrainConfig fmnistVitTiny() {
        return new TrainConfig(
                "fmnist-vit-tiny",
                new ModelSpec(7, 96, 4, 3, 4, 28, 0.1, 0.1),
                new HeadSpec(1024, 256, 64),
                new CropSpec(28, 14, 8, 0.5, 1.0, 0.2, 0.5),
                new LossSpec(1.0, 1.0, 0.1, 0.1, 0.02, 0.02, 2, "sinkhorn_knopp", 0.9, 0.1, 0.5, 0.5, 0),
                new OptimSpec(30, 128, 0, 0.004, 1e-6, 2, 0.04, 0.2, 0.9, 0.2, 3.0, 1, 0.992, 1.0, 0.9, 0.999),
                0);
    }

    /**
     * A student for distillation from {@link #fmnistVitTiny()}: width 48, 2 heads, 3 blocks, under a
     * quarter of its parameters.
     */
    public static TrainConfig fmnistVitMicro() {
        TrainConfig t = fmnistVitTiny();
        return new TrainConfig(
                "fmnist-vit-micro",
                new ModelSpec(7, 48, 3, 2, 4, 28, 0.0, 0.1),
                t.head(),
                t.crops(),
                t.loss(),
                t.optim(),
                t.seed());
    }

    /**
     * {@link #fmnistVitTiny()} on a finer grid: patch 4 (49 tokens per 28-pixel image), local crops of 12
     * pixels (9 tokens), 20 epochs of 30,000 images. Its random start scores lower than patch 7's (55.93%
     * against 66.25% full-split k-NN), and training lifts it by 27 points (docs/training.md); it trains
     * about 3x slower.
     */
    public static TrainConfig fmnistVitTinyP4() {
        TrainConfig t = fmnistVitTiny();
        TrainConfig.ModelSpec m = t.model();
        TrainConfig.CropSpec c = t.crops();
        return new TrainConfig(
                        "fmnist-vit-tiny-p4",
                        new ModelSpec(
                                4,
                                m.embedDim(),
                                m.depth(),
                                m.numHeads(),
                                m.mlpRatio(),
                                m.imageSize(),
                                m.dropPathRate(),
                                m.layerScaleInit()),
                        t.head(),
                        new CropSpec(
                                c.globalSize(),
                                12,
                                c.localCrops(),
                                c.globalScaleMin(),
                                c.globalScaleMax(),
                                c.localScaleMin(),
                                c.localScaleMax()),
                        t.loss(),
                        t.optim(),
                        t.seed())
                .withRun(20, t.optim().batchSize(), 30_000);
    }

    /**
     * A student for distillation from {@link #fmnistVitTinyP4()}: the {@link #fmnistVitMicro()} shape on the
     * same patch-4 grid, 48 epochs of 30,000 images, iBOT on 12 random patches of each global crop.
     */
    public static TrainConfig fmnistVitMicroP4() {
        TrainConfig t = fmnistVitTinyP4();
        TrainConfig.ModelSpec micro = fmnistVitMicro().model();
        return new TrainConfig(
                        "fmnist-vit-micro-p4",
                        new ModelSpec(
                                4,
                                micro.embedDim(),
                                micro.depth(),
                                micro.numHeads(),
                                micro.mlpRatio(),
                                micro.imageSize(),
                                micro.dropPathRate(),
                                micro.layerScaleInit()),
                        t.head(),
                        t.crops(),
                        t.loss().withDistillIbotPatches(12),
                        t.optim(),
                        t.seed())
                .withRun(48, t.optim().batchSize(), 30_000);
    }

    private static final Map<String, java.util.function.Supplier<TrainConfig>> PRESETS = presets();

    private static Map<String, java.util.function.Supplier<TrainConfig>> presets() {
        Map<String, java.util.function.Supplier<TrainConfig>> m = new LinkedHashMap<>();
        m.put("fmnist-vit-tiny", TrainConfig::fmnistVitTiny);
        m.put("fmnist-vit-micro", TrainConfig::fmnistVitMicro);
        m.put("fmnist-vit-tiny-p4", TrainConfig::fmnistVitTinyP4);
        m.put("fmnist-vit-micro-p4", TrainConfig::fmnistVitMicroP4);
        return m;
    }

    public static List<String> presetNames() {
        return List.copyOf(PRESETS.keySet());
    }

    /** A named preset, or an error naming the known ones. */
    public static TrainConfig preset(String name) {
        var supplier = PRESETS.get(name.toLowerCase(Locale.ROOT));
        if (supplier == null) {
            throw new IllegalArgumentException("unknown training preset '" + name + "'; known: " + presetNames());
        }
        return supplier.get();
    }

    public TrainConfig withSeed(long newSeed) {
        return new TrainConfig(preset, model, head, crops, loss, optim, newSeed);
    }

    public TrainConfig withOptim(OptimSpec newOptim) {
        return new TrainConfig(preset, model, head, crops, loss, newOptim, seed);
    }

    public TrainConfig withLoss(LossSpec newLoss) {
        return new TrainConfig(preset, model, head, crops, newLoss, optim, seed);
    }

    /** A copy with another teacher centering ({@code sinkhorn_knopp} or {@code softmax}). */
    public TrainConfig withCentering(String centering) {
        return withLoss(loss.with(centering, loss.teacherTempWarmupEpochs()));
    }

    /** A copy with another DINO head (a distillation student takes its teacher's). */
    public TrainConfig withHead(HeadSpec newHead) {
        return new TrainConfig(preset, model, newHead, crops, loss, optim, seed);
    }

    public TrainConfig withModel(ModelSpec newModel) {
        return new TrainConfig(preset, newModel, head, crops, loss, optim, seed);
    }

    /** A copy with other epochs, batch size and images per epoch (the command-line overrides). */
    public TrainConfig withRun(int epochs, int batchSize, int imagesPerEpoch) {
        OptimSpec o = optim;
        int warmup = Math.min(o.warmupEpochs(), Math.max(0, epochs - o.freezeLastLayerEpochs()));
        int freeze = Math.min(o.freezeLastLayerEpochs(), epochs);
        warmup = Math.min(warmup, epochs - freeze);
        LossSpec clamped = loss.with(loss.centering(), Math.min(loss.teacherTempWarmupEpochs(), epochs));
        return new TrainConfig(
                preset,
                model,
                head,
                crops,
                clamped,
                new OptimSpec(
                        epochs,
                        batchSize,
                        imagesPerEpoch,
                        o.baseLr(),
                        o.minLr(),
                        warmup,
                        o.weightDecay(),
                        o.weightDecayEnd(),
                        o.layerDecay(),
                        o.patchEmbedLrMult(),
                        o.clipGrad(),
                        freeze,
                        o.momentumTeacher(),
                        o.finalMomentumTeacher(),
                        o.beta1(),
                        o.beta2()),
                seed);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TrainConfig fromJson(String json) {
        try {
            return JSON.readValue(json, TrainConfig.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a training config: " + e.getMessage(), e);
        }
    }
}
