package io.dinostream.trainer.ssl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.dinostream.embedder.model.DinoV2Config;
import io.dinostream.embedder.model.DinoVisionTransformer;
import io.dinostream.embedder.model.NativeArrays;
import io.dinostream.embedder.model.SafeTensors.FloatTensor;
import io.dinostream.embedder.model.WeightInit;
import io.dinostream.trainer.config.TrainConfig;
import io.dinostream.trainer.model.DinoHead;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A backbone and its DINO head: the student or the teacher of the reference's {@code SSLMetaArch}. Its
 * parameters carry the reference's checkpoint names, {@code backbone.<official name>} and {@code
 * dino_head.<name>}, so a checkpoint reads like the official one and the backbone exports as is.
 *
 * <p>The parameter arrays live on the manager given at creation, which owns them.
 */
public final class SslNetwork {
    public static final String BACKBONE = "backbone.";
    public static final String HEAD = "dino_head.";

    private final DinoVisionTransformer backbone;
    private final DinoHead head;
    private final Map<String, Parameter> parameters;

    private SslNetwork(DinoVisionTransformer backbone, DinoHead head) {
        this.backbone = backbone;
        this.head = head;
        Map<String, Parameter> all = new LinkedHashMap<>();
        backbone.parameters().forEach((k, v) -> all.put(BACKBONE + k, v));
        Map<String, Parameter> headParameters = new LinkedHashMap<>();
        head.collectParameters("", headParameters, new LinkedHashMap<>());
        headParameters.forEach((k, v) -> all.put(HEAD + k, v));
        this.parameters = Collections.unmodifiableMap(all);
    }

    /**
     * A freshly initialised network: the backbone as the reference's training initialisation, the head
     * seeded as the reference's; every parameter requires gradients.
     */
    public static SslNetwork initialise(
            NDManager manager, TrainConfig.ModelSpec model, String name, TrainConfig.HeadSpec spec, long seed) {
        return assemble(manager, model.toDinoV2Config(name), model.initialBackbone(name, seed), spec, seed);
    }

    /** As above for any backbone architecture, with the reference's LayerScale init (1e-5). */
    public static SslNetwork initialise(
            NDManager manager, DinoV2Config backboneConfig, TrainConfig.HeadSpec spec, long seed) {
        return assemble(
                manager,
                backboneConfig,
                WeightInit.random(backboneConfig, seed, WeightInit.Scheme.OFFICIAL_TRAINING),
                spec,
                seed);
    }

    private static SslNetwork assemble(
            NDManager manager,
            DinoV2Config backboneConfig,
            Map<String, FloatTensor> backboneWeights,
            TrainConfig.HeadSpec spec,
            long seed) {
        DinoVisionTransformer backbone = new DinoVisionTransformer(backboneConfig);
        backbone.loadStateDict(manager, backboneWeights);
        DinoHead head =
                new DinoHead(backboneConfig.embedDim(), spec.prototypes(), spec.hiddenDim(), spec.bottleneckDim());
        head.initializeSeeded(manager, seed + 1);
        return new SslNetwork(backbone, head);
    }

    /** A network of existing parts (e.g. a frozen teacher loaded from a file). */
    public static SslNetwork of(DinoVisionTransformer backbone, DinoHead head) {
        return new SslNetwork(backbone, head);
    }

    /** A network of the same shapes holding a copy of this one's values (the teacher at the start). */
    public SslNetwork copy(NDManager manager) {
        SslNetwork copy = initialise(manager, backbone.config(), headSpec(), 0);
        copy.load(values());
        return copy;
    }

    private TrainConfig.HeadSpec headSpec() {
        Shape v = parameters.get(HEAD + "last_layer.weight_v").getArray().getShape();
        Shape first = parameters.get(HEAD + "mlp.0.weight").getArray().getShape();
        return new TrainConfig.HeadSpec((int) v.get(0), (int) first.get(0), (int) v.get(1));
    }

    public DinoVisionTransformer backbone() {
        return backbone;
    }

    public DinoHead head() {
        return head;
    }

    /** Every parameter, backbone first, under its checkpoint name. */
    public Map<String, Parameter> parameters() {
        return parameters;
    }

    /** The parameters of one part, under their names within it (no prefix). */
    public Map<String, Parameter> parameters(String prefix) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        parameters.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** A copy of every value, by checkpoint name. */
    public Map<String, FloatTensor> values() {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        parameters.forEach((k, p) -> {
            NDArray a = p.getArray();
            out.put(k, new FloatTensor(a.getShape().getShape(), a.toFloatArray()));
        });
        return out;
    }

    /** The backbone's values under official names: what the embedder loads. */
    public Map<String, FloatTensor> backboneValues() {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        values().forEach((k, v) -> {
            if (k.startsWith(BACKBONE)) {
                out.put(k.substring(BACKBONE.length()), v);
            }
        });
        return out;
    }

    /** Sets every value from a map by checkpoint name; refuses missing or mis-shaped entries. */
    public void load(Map<String, FloatTensor> values) {
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            FloatTensor t = values.get(e.getKey());
            NDArray a = e.getValue().getArray();
            if (t == null || !new Shape(t.shape()).equals(a.getShape())) {
                throw new IllegalArgumentException("checkpoint lacks or mis-shapes " + e.getKey() + " " + a.getShape());
            }
            NativeArrays.overwrite(a, t.data());
        }
    }
}
