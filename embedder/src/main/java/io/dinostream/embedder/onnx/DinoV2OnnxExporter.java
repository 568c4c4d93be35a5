package io.dinostream.embedder.onnx;

import io.dinostream.embedder.model.DinoV2Config;
import io.dinostream.embedder.model.DinoV2Model;
import io.dinostream.embedder.model.FfnType;
import io.dinostream.embedder.model.SafeTensors.FloatTensor;
import java.util.List;
import java.util.Map;

/**
 * Writes a DINOv2 model as an ONNX graph (opset 17) for one input size and any batch size, computing the
 * official {@code x_norm_clstoken} and the mean of {@code x_norm_patchtokens}: the same weights and the
 * same arithmetic as the DJL blocks, so ONNX Runtime can run the identical network (the embedder's
 * faster backend, and the speed reference of {@code dinostream bench embed}).
 * Positional embeddings are interpolated once for the input size by the model itself and stored as a
 * constant. Linear weights are stored transposed, so each linear layer is one MatMul and one Add.
 */
public final class DinoV2OnnxExporter {
    /** Name of the graph input, float32 (batch, 3, height, width), preprocessed pixels. */
    public static final String INPUT = "pixels";
    /** Name of a graph output, float32 (batch, width): the normalised CLS token. */
    public static final String OUTPUT = "x_norm_clstoken";
    /** Name of a graph output, float32 (batch, width): the mean of the normalised patch tokens. */
    public static final String OUTPUT_PATCH_MEAN = "x_norm_patchtokens_mean";

    private DinoV2OnnxExporter() {}

    /** The serialised ONNX model for any number of images of {@code height x width}. */
    public static byte[] export(DinoV2Model model, int height, int width) {
        DinoV2Config c = model.config();
        if (height % c.patchSize() != 0 || width % c.patchSize() != 0) {
            throw new IllegalArgumentException("height and width must be multiples of " + c.patchSize());
        }
        Weights w = model.withEngine((manager, parameters, vit) -> {
            var like = manager.zeros(new ai.djl.ndarray.types.Shape(1, c.inChans(), height, width));
            var pos = vit.interpolatePosEncoding(parameters, like, height, width, false);
            return new Weights(vit.stateDict(), new FloatTensor(pos.getShape().getShape(), pos.toFloatArray()));
        });
        return new Builder(c, w, height, width).build();
    }

    private record Weights(Map<String, FloatTensor> state, FloatTensor pos) {}

    /** One export: the graph under construction and the sizes. */
    private static final class Builder {
        private final OnnxGraph g = new OnnxGraph();
        private final DinoV2Config c;
        private final Weights w;
        private final int height;
        private final int width;
        private final long dim;

        Builder(DinoV2Config c, Weights w, int height, int width) {
            this.c = c;
            this.w = w;
            this.height = height;
            this.width = width;
            this.dim = c.embedDim();
        }

        byte[] build() {
            g.input(INPUT, OnnxGraph.DYNAMIC, c.inChans(), height, width);
            String batch = g.op("Slice", g.op("Shape", INPUT), g.longs(0), g.longs(1), g.longs(0));
            long patches = (long) (height / c.patchSize()) * (width / c.patchSize());
            long tokens = 1 + c.numRegisters() + patches;
            // patch embedding: conv with stride = kernel, then (B, D, h, w) -> (B, h*w, D)
            String x = g.op(
                    "Conv",
                    List.of(INPUT, weight("patch_embed.proj.weight"), weight("patch_embed.proj.bias")),
                    OnnxGraph.Attribute.of("strides", new long[] {c.patchSize(), c.patchSize()}));
            x = g.op("Reshape", x, g.longs(0, dim, patches));
            x = g.op("Transpose", List.of(x), OnnxGraph.Attribute.of("perm", new long[] {0, 2, 1}));
            // [cls + pos0, patches + pos], then registers between them (they get no positional embedding)
            String cls = tiled("cls_token", 1, batch);
            x = g.op("Concat", List.of(cls, x), OnnxGraph.Attribute.of("axis", 1L));
            x = g.op(
                    "Add",
                    x,
                    g.floats("pos_embed_interpolated", w.pos().shape(), w.pos().data()));
            if (c.numRegisters() > 0) {
                String first = g.op("Slice", x, g.longs(0), g.longs(1), g.longs(1));
                String rest = g.op("Slice", x, g.longs(1), g.longs(1 + patches), g.longs(1));
                x = g.op(
                        "Concat",
                        List.of(first, tiled("register_tokens", c.numRegisters(), batch), rest),
                        OnnxGraph.Attribute.of("axis", 1L));
            }
            for (int i = 0; i < c.depth(); i++) {
                x = block("blocks." + i + ".", x, tokens);
            }
            x = layerNorm(x, "norm.");
            String clsToken = g.op("Gather", List.of(x, g.longScalar(0)), OnnxGraph.Attribute.of("axis", 1L));
            g.output(clsToken, OUTPUT, OnnxGraph.DYNAMIC, dim);
            String patchTokens = g.op("Slice", x, g.longs(1 + c.numRegisters()), g.longs(tokens), g.longs(1));
            String patchMean = g.op(
                    "ReduceMean",
                    List.of(patchTokens),
                    OnnxGraph.Attribute.of("axes", new long[] {1}),
                    OnnxGraph.Attribute.of("keepdims", 0L));
            g.output(patchMean, OUTPUT_PATCH_MEAN, OnnxGraph.DYNAMIC, dim);
            return g.toModel("dinov2_" + c.name());
        }

        private String block(String p, String x, long tokens) {
            long heads = c.numHeads();
            long headDim = dim / heads;
            String y = layerNorm(x, p + "norm1.");
            String qkv = linear(y, p + "attn.qkv.");
            qkv = g.op("Reshape", qkv, g.longs(0, tokens, 3, heads, headDim));
            qkv = g.op("Transpose", List.of(qkv), OnnxGraph.Attribute.of("perm", new long[] {2, 0, 3, 1, 4}));
            String q = g.op("Gather", List.of(qkv, g.longScalar(0)), OnnxGraph.Attribute.of("axis", 0L));
            String k = g.op("Gather", List.of(qkv, g.longScalar(1)), OnnxGraph.Attribute.of("axis", 0L));
            String v = g.op("Gather", List.of(qkv, g.longScalar(2)), OnnxGraph.Attribute.of("axis", 0L));
            q = g.op("Mul", q, g.scalar((float) (1.0 / Math.sqrt(headDim))));
            String kT = g.op("Transpose", List.of(k), OnnxGraph.Attribute.of("perm", new long[] {0, 1, 3, 2}));
            String scores = g.op("MatMul", q, kT);
            String attention = g.op("Softmax", List.of(scores), OnnxGraph.Attribute.of("axis", -1L));
            String mixed = g.op("MatMul", attention, v);
            mixed = g.op("Transpose", List.of(mixed), OnnxGraph.Attribute.of("perm", new long[] {0, 2, 1, 3}));
            mixed = g.op("Reshape", mixed, g.longs(0, tokens, dim));
            String attn = linear(mixed, p + "attn.proj.");
            x = g.op("Add", x, layerScale(attn, p + "ls1.gamma"));
            String y2 = layerNorm(x, p + "norm2.");
            String ffn = c.ffn() == FfnType.SWIGLU ? swiglu(y2, p + "mlp.") : mlp(y2, p + "mlp.");
            return g.op("Add", x, layerScale(ffn, p + "ls2.gamma"));
        }

        private String mlp(String x, String p) {
            String h = linear(x, p + "fc1.");
            // exact GELU: 0.5 * h * (1 + erf(h / sqrt(2)))
            String erf = g.op("Erf", g.op("Mul", h, g.scalar((float) (1.0 / Math.sqrt(2.0)))));
            String gelu = g.op("Mul", g.op("Mul", h, g.scalar(0.5f)), g.op("Add", erf, g.scalar(1f)));
            return linear(gelu, p + "fc2.");
        }

        private String swiglu(String x, String p) {
            long hidden = c.ffnHidden();
            String x12 = linear(x, p + "w12.");
            String x1 = g.op("Slice", x12, g.longs(0), g.longs(hidden), g.longs(2));
            String x2 = g.op("Slice", x12, g.longs(hidden), g.longs(2 * hidden), g.longs(2));
            String silu = g.op("Mul", x1, g.op("Sigmoid", x1));
            return linear(g.op("Mul", silu, x2), p + "w3.");
        }

        private String layerScale(String x, String gamma) {
            return c.layerScale() ? g.op("Mul", x, weight(gamma)) : x;
        }

        private String layerNorm(String x, String p) {
            return g.op(
                    "LayerNormalization",
                    List.of(x, weight(p + "weight"), weight(p + "bias")),
                    OnnxGraph.Attribute.of("axis", -1L),
                    OnnxGraph.Attribute.of("epsilon", c.layerNormEps()));
        }

        /** {@code x W^T + b} with W stored transposed. */
        private String linear(String x, String p) {
            FloatTensor weight = tensor(p + "weight");
            long out = weight.shape()[0];
            long in = weight.shape()[1];
            float[] transposed = new float[weight.data().length];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    transposed[(int) (i * out + o)] = weight.data()[(int) (o * in + i)];
                }
            }
            String wT = g.floats(p + "weight_t", new long[] {in, out}, transposed);
            return g.op("Add", g.op("MatMul", x, wT), weight(p + "bias"));
        }

        /** A (1, n, D) token parameter expanded to the run-time batch: (B, n, D). */
        private String tiled(String name, int n, String batch) {
            String shape = g.op("Concat", List.of(batch, g.longs(n, dim)), OnnxGraph.Attribute.of("axis", 0L));
            return g.op("Expand", weight(name), shape);
        }

        private String weight(String name) {
            FloatTensor t = tensor(name);
            return g.floats(name, t.shape(), t.data());
        }

        private FloatTensor tensor(String name) {
            FloatTensor t = w.state().get(name);
            if (t == null) {
                throw new IllegalStateException("the model has no tensor '" + name + "'");
            }
            return t;
        }
    }
}
