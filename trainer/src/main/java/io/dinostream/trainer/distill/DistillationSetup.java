package io.dinostream.trainer.distill;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dinostream.embedder.model.DinoV2Config;
import io.dinostream.embedder.model.DinoV2Weights;
import io.dinostream.embedder.model.DinoVisionTransformer;
import io.dinostream.embedder.model.LoadOptions;
import io.dinostream.embedder.model.NativeArrays;
import io.dinostream.embedder.model.SafeTensors.FloatTensor;
import io.dinostream.trainer.config.TrainConfig;
import io.dinostream.trainer.model.DinoHead;
import io.dinostream.trainer.ssl.SslMetaArch;
import io.dinostream.trainer.ssl.SslNetwork;
import io.dinostream.trainer.train.Checkpoint;
import io.dinostream.trainer.train.RunSetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Distillation of a frozen teacher into a smaller student (the paper's section 5): the teacher is any
 * backbone the embedder loads; its DINO head is the trained one when the weights are a dinostream run's
 * {@code model.safetensors} (the head is read from the run's {@code checkpoint/teacher.safetensors}),
 * otherwise a seeded random head, frozen (its prototypes are then random directions of the teacher's
 * feature space, which the student learns to reproduce). The result is the EMA of the student.
 */
public final class DistillationSetup implements RunSetup {
    private final Path teacherWeights;
    private final DinoV2Weights.Loaded teacher;
    private final Map<String, float[]> teacherHead;
    private final TrainConfig.HeadSpec headSpec;

    private DistillationSetup(
            Path teacherWeights,
            DinoV2Weights.Loaded teacher,
            Map<String, float[]> teacherHead,
            TrainConfig.HeadSpec headSpec) {
        this.teacherWeights = teacherWeights;
        this.teacher = teacher;
        this.teacherHead = teacherHead;
        this.headSpec = headSpec;
    }

    /**
     * Reads the teacher.
     *
     * @param fallbackHead the head to use (random, frozen) when the teacher has no trained one
     */
    public static DistillationSetup load(Path teacherWeights, TrainConfig.HeadSpec fallbackHead) throws IOException {
        DinoV2Weights.Loaded loaded = DinoV2Weights.read(teacherWeights, LoadOptions.defaults());
        Optional<Map<String, FloatTensor>> head = trainedHead(teacherWeights);
        if (head.isEmpty()) {
            return new DistillationSetup(teacherWeights, loaded, null, fallbackHead);
        }
        Map<String, float[]> values = new LinkedHashMap<>();
        head.get().forEach((k, v) -> values.put(k, v.data()));
        long[] v = head.get().get("last_layer.weight_v").shape();
        long[] first = head.get().get("mlp.0.weight").shape();
        return new DistillationSetup(
                teacherWeights, loaded, values, new TrainConfig.HeadSpec((int) v[0], (int) first[0], (int) v[1]));
    }

    private static Optional<Map<String, FloatTensor>> trainedHead(Path weights) throws IOException {
        Path dir = weights.toAbsolutePath().getParent();
        Path checkpoint = dir == null ? null : dir.resolve("checkpoint").resolve("teacher.safetensors");
        if (checkpoint == null || !Files.isRegularFile(checkpoint)) {
            return Optional.empty();
        }
        Map<String, FloatTensor> head = new LinkedHashMap<>();
        Checkpoint.read(checkpoint).forEach((k, v) -> {
            if (k.startsWith(SslNetwork.HEAD)) {
                head.put(k.substring(SslNetwork.HEAD.length()), v);
            }
        });
        return head.isEmpty() ? Optional.empty() : Optional.of(head);
    }

    /** The head the student must have: the teacher's shape (its prototypes are the targets). */
    public TrainConfig.HeadSpec headSpec() {
        return headSpec;
    }

    public boolean trainedHead() {
        return teacherHead != null;
    }

    public DinoV2Config teacherConfig() {
        return teacher.config();
    }

    public String describe() {
        return teacherWeights + " (" + teacher.config().summary() + "), "
                + (trainedHead() ? "its trained DINO head" : "a frozen random DINO head") + " of "
                + headSpec.prototypes()
                + " prototypes";
    }

    @Override
    public SslMetaArch create(NDManager manager, TrainConfig config) {
        DinoV2Config studentConfig = config.model().toDinoV2Config(config.preset());
        if (studentConfig.patchSize() != teacher.config().patchSize()) {
            throw new IllegalArgumentException(
                    "the teacher's patch size " + teacher.config().patchSize()
                            + " differs from the student's " + studentConfig.patchSize()
                            + ": iBOT pairs their patch tokens, so both must see the same patch grid");
        }
        if (!config.head().equals(headSpec)) {
            throw new IllegalArgumentException(
                    "the student head " + config.head() + " must match the teacher's " + headSpec);
        }
        DinoVisionTransformer teacherBackbone = new DinoVisionTransformer(teacher.config());
        teacherBackbone.loadStateDict(manager, teacher.tensors());
        DinoHead head = new DinoHead(
                teacher.config().embedDim(), headSpec.prototypes(), headSpec.hiddenDim(), headSpec.bottleneckDim());
        head.initializeSeeded(manager, config.seed() + 7);
        if (teacherHead != null) {
            Map<String, ai.djl.nn.Parameter> parameters = new LinkedHashMap<>();
            Map<String, Shape> shapes = new LinkedHashMap<>();
            head.collectParameters("", parameters, shapes);
            parameters.forEach((name, p) -> {
                float[] values = teacherHead.get(name);
                if (values == null || values.length != shapes.get(name).size()) {
                    throw new IllegalArgumentException("the teacher's head lacks or mis-sizes " + name);
                }
                NativeArrays.overwrite(p.getArray(), values);
            });
        }
        SslNetwork frozenTeacher = SslNetwork.of(teacherBackbone, head);
        SslNetwork student =
                SslNetwork.initialise(manager, config.model(), config.preset(), config.head(), config.seed());
        return SslMetaArch.distillation(manager, config, student, frozenTeacher, student.copy(manager));
    }

    @Override
    public boolean wholeCrops() {
        return true;
    }

    @Override
    public SslNetwork result(SslMetaArch arch) {
        return arch.ema();
    }

    @Override
    public DinoV2Config resultConfig(TrainConfig config) {
        return config.model().toDinoV2Config(config.preset());
    }
}
