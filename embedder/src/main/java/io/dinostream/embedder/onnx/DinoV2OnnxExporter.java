package io.dinostream.embedder.onnx;

import io.dinostream.embedder.model.DinoV2Config;
import io.dinostream.embedder.model.DinoV2Model;
import io.dinostream.embedder.model.FfnType;
import io.dinostream.embedder.model.SafeTensors.FloatTensor;
import java.util.List;
import java.util.Map;

/**
 * Writes a DINOv2 model as an ONNX graph (opset 17) computing the official {@code x_norm_clstoken} for
 * a fixed batch size and input size: the same weights and the same arithmetic as the DJL blocks, so
 * ONNX Runtime can run the identical network (the speed reference of {@code dinostream bench embed}).
 * Positional embeddings are interpolated once for the input size by the model itself and stored as a
 * constant. Linear weights are stored transposed, so each linear layer is one MatMul and one Add.
 */
public final class DinoV2OnnxExporter {
    /** Name of the graph input, float32 (batch, 3, height, width), preprocessed pixels. */
    public static final String INPUT = "pixels";
    /** Name of the graph output, float32 (batch, width): the normalised CLS token. */
    public static final String OUTPUT = "x_norm_clstoken";

    private DinoV2OnnxExporter() {}

    /** The serialised ONNX model for {@code batch} images of {@code height x width}. */
    public static byte[] export(DinoV2Model model, int batch, int height, int width) {
        DinoV2Config c = model.config();
        if (height % c.patchSize() != 0 || width % c.patchSize() != 0) {
            throw new IllegalArgumentException("height and width must be multiples of " + c.patchSize());
        }
        Weights w = model.withEngine((manager, parameters, vit) -> {
            var like = manager.zeros(new ai.djl.ndarray.types.Shape(1, c.inChans(), height, width));
            var pos = vit.interpolatePosEncoding(parameters, like, height, width, false);
            return new Weights(vit.stateDict(), new FloatTensor(pos.getShape().getShape(), pos.toFloatArray()));
        });
        return new Builder(c, w, batch, height, width).build();
    }

    private record Weights(Map<String, FloatTensor> state, FloatTensor pos) {}

    /** One export: the graph under construction and the sizes. */
    private static final class Builder {
        private final OnnxGraph g = new OnnxGraph();
        private final DinoV2Config c;
        private final Weights w;
        private final int batch;
        private final int height;
        private final int width;
        private final long dim;

        Builder(DinoV2Config c, Weights w, int batch, int height, int width) {
            this.c = c;
            this.w = w;
            this.batch = batch;
            this.height = height;
            this.width = width;
            this.dim = c.embedDim();
        }

        byte[] build() {
            g.input(INPUT, batch, c.inChans(), height, width);
            long patches = (long) (height / c.patchSize()) * (width / c.patchSize());
            long tokens = 1 + c.numRegisters() + patches;
            // patch embedding: conv with stride = kernel, then (B, D, h, w) -> (B, h*w, D)
            String x = g.op(
                    "Conv",
                    List.of(INPUT, weight("patch_embed.proj.weight"), weight("patch_embed.proj.bias")),
                    OnnxGraph.Attribute.of("strides", new long[] {c.patchSize(), c.patchSize()}));
            x = g.op("Reshape", x, g.longs(batch, dim, patches));
            x = g.op("Transpose", List.of(x), OnnxGraph.Attribute.of("perm", new long[] {0, 2, 1}));
            // [cls + pos0, patches + pos], then registers between them (they get no positional embedding)
            String cls = tiled("cls_token", 1);
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
                        List.of(first, tiled("register_tokens", c.numRegisters()), rest),
                        OnnxGraph.Attribute.of("axis", 1L));
            }
            for (int i = 0; i < c.depth(); i++) {
                x = block("blocks." + i + ".", x, tokens);
            }
            x = layerNorm(x, "norm.");
            String clsToken = g.op("Gather", List.of(x, g.longs(0)), OnnxGraph.Attribute.of("axis", 1L));
            clsToken = g.op("Reshape", clsToken, g.longs(batch, dim));
            g.output(clsToken, OUTPUT, batch, dim);
            return g.toModel("dinov2_" + c.name());
        }

        private String block(String p, String x, long tokens) {
            long heads = c.numHeads();
            long headDim = dim / heads;
            String y = layerNorm(x, p + "norm1.");
            String qkv = linear(y, p + "attn.qkv.");
            qkv = g.op("Reshape", qkv, g.longs(batch, tokens, 3, heads, headDim));
            qkv = g.op("Transpose", List.of(qkv), OnnxGraph.Attribute.of("perm", new long[] {2, 0, 3, 1, 4}));
            String q = g.op("Gather", List.of(qkv, g.longs(0)), OnnxGraph.Attribute.of("axis", 0L));
            String k = g.op("Gather", List.of(qkv, g.longs(1)), OnnxGraph.Attribute.of("axis", 0L));
            String v = g.op("Gather", List.of(qkv, g.longs(2)), OnnxGraph.Attribute.of("axis", 0L));
            q = g.op("Reshape", q, g.longs(batch, heads, tokens, headDim));
            k = g.op("Reshape", k, g.longs(batch, heads, tokens, headDim));
            v = g.op("Reshape", v, g.longs(batch, heads, tokens, headDim));
            q = g.op("Mul", q, g.scalar((float) (1.0 / Math.sqrt(headDim))));
            String kT = g.op("Transpose", List.of(k), OnnxGraph.Attribute.of("perm", new long[] {0, 1, 3, 2}));
            String scores = g.op("MatMul", q, kT);
            String attention = g.op("Softmax", List.of(scores), OnnxGraph.Attribute.of("axis", -1L));
            String mixed = g.op("MatMul", attention, v);
            mixed = g.op("Transpose", List.of(mixed), OnnxGraph.Attribute.of("perm", new long[] {0, 2, 1, 3}));
            mixed = g.op("Reshape", mixed, g.longs(batch, tokens, dim));
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

        /** A (1, n, D) token parameter repeated for the batch: (B, n, D). */
        private String tiled(String name, int n) {
            FloatTensor t = tensor(name);
            float[] data = new float[batch * n * (int) dim];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(t.data(), 0, data, b * n * (int) dim, n * (int) dim);
            }
            return g.floats(name + "_tiled", new long[] {batch, n, dim}, data);
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
