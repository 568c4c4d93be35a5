package io.dinostream.embedder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The official {@code DinoVisionTransformer} (facebookresearch/dinov2, {@code block_chunks=0}) as a
 * DJL block: patch embedding, class token, learned positional embedding (interpolated to the input
 * size exactly as the official code does), optional register tokens, mask token (iBOT), pre-norm
 * blocks with LayerScale, final LayerNorm. The head is the identity.
 *
 * <p>Parameter names follow the official {@code state_dict()} ({@code cls_token}, {@code pos_embed},
 * {@code register_tokens}, {@code mask_token}, {@code patch_embed.proj.*}, {@code blocks.<i>.*},
 * {@code norm.*}); see {@link #parameters()}.
 *
 * <p>As a DJL {@code Block}, {@code forward(ps, NDList(x[, masks]), training)} returns {@code
 * [x_norm_clstoken, x_norm_regtokens, x_norm_patchtokens, x_prenorm]}. {@code x} is {@code (B, C,
 * H, W)} float32 with {@code H, W} multiples of the patch size; {@code masks} is a boolean {@code (B,
 * h*w)} array whose true entries replace the patch embedding by the mask token.
 *
 * <p>The block keeps no per-call state and may be used from several threads if the engine allows;
 * {@link DinoV2Model} serialises calls anyway.
 */
public final class DinoVisionTransformer extends DinoLayer {
    private final DinoV2Config config;
    private final Parameter clsToken;
    private final Parameter posEmbed;
    private final Parameter registerTokens;
    private final Parameter maskToken;
    private final PatchEmbed patchEmbed;
    private final List<TransformerBlock> blocks;
    private final TokenLayerNorm norm;
    private final Map<String, Parameter> parameters;
    private final Map<String, Shape> shapes;

    public DinoVisionTransformer(DinoV2Config config) {
        this.config = config;
        int d = config.embedDim();
        long m = config.posGrid();
        this.clsToken = param("cls_token", Parameter.Type.OTHER, new Shape(1, 1, d));
        this.posEmbed = param("pos_embed", Parameter.Type.OTHER, new Shape(1, 1 + m * m, d));
        this.registerTokens = config.numRegisters() > 0
                ? param("register_tokens", Parameter.Type.OTHER, new Shape(1, config.numRegisters(), d))
                : null;
        this.maskToken = param("mask_token", Parameter.Type.OTHER, new Shape(1, d));
        this.patchEmbed = child("patch_embed", new PatchEmbed(config.patchSize(), config.inChans(), d));
        List<TransformerBlock> list = new ArrayList<>();
        for (int i = 0; i < config.depth(); i++) {
            list.add(child("blocks." + i, new TransformerBlock(config)));
        }
        this.blocks = Collections.unmodifiableList(list);
        this.norm = child("norm", new TokenLayerNorm(d, config.layerNormEps()));
        Map<String, Parameter> params = new LinkedHashMap<>();
        Map<String, Shape> shapeMap = new LinkedHashMap<>();
        collectParameters("", params, shapeMap);
        this.parameters = Collections.unmodifiableMap(params);
        this.shapes = Collections.unmodifiableMap(shapeMap);
    }

    public DinoV2Config config() {
        return config;
    }

    /** The transformer blocks, e.g. to set a stochastic-depth rate per block. */
    public List<TransformerBlock> blocks() {
        return blocks;
    }

    /** Every parameter under its official name, in the official {@code named_parameters()} order. */
    public Map<String, Parameter> parameters() {
        return parameters;
    }

    /** The shape each official parameter name must have. */
    public Map<String, Shape> parameterShapes() {
        return shapes;
    }

    /**
     * Attaches values to every parameter (once per instance) and initialises the block. The map must
     * hold exactly the official names with the official shapes; otherwise nothing is attached and the
     * error names the missing, unexpected or mis-shaped tensors.
     *
     * @param manager the manager that will own the parameter arrays
     */
    public void loadStateDict(NDManager manager, Map<String, SafeTensors.FloatTensor> tensors) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            SafeTensors.FloatTensor t = tensors.get(e.getKey());
            if (t == null) {
                problems.add("missing tensor '" + e.getKey() + "' " + e.getValue());
            } else if (!new Shape(t.shape()).equals(e.getValue())) {
                problems.add("tensor '" + e.getKey() + "' has shape " + Arrays.toString(t.shape()) + ", expected "
                        + e.getValue());
            }
        }
        for (String name : new TreeSet<>(tensors.keySet())) {
            if (!shapes.containsKey(name)) {
                problems.add("unexpected tensor '" + name + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new WeightsException(
                    "weights do not fit " + config.name() + " (width " + config.embedDim() + ", depth "
                            + config.depth() + ", registers " + config.numRegisters() + ", ffn " + config.ffn()
                            + "): " + String.join("; ", problems.subList(0, Math.min(problems.size(), 20)))
                            + (problems.size() > 20 ? "; ... (" + problems.size() + " problems)" : ""));
        }
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            SafeTensors.FloatTensor t = tensors.get(e.getKey());
            NDArray array = NativeArrays.create(manager, t.data(), new Shape(t.shape()));
            e.getValue().setArray(array);
        }
        initialize(manager, DataType.FLOAT32, new Shape(1, config.inChans(), config.imgSize(), config.imgSize()));
    }

    /** The current parameter values as Java arrays, under the official names. */
    public Map<String, SafeTensors.FloatTensor> stateDict() {
        Map<String, SafeTensors.FloatTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            NDArray a = e.getValue().getArray();
            out.put(e.getKey(), new SafeTensors.FloatTensor(a.getShape().getShape(), a.toFloatArray()));
        }
        return out;
    }

    @Override
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return forwardFeatures(ps, x, null, training).clsToken();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray masks = inputs.size() > 1 ? inputs.get(1) : null;
        FeatureOutputs f = forwardFeatures(parameterStore, inputs.get(0), masks, training);
        return new NDList(f.clsToken(), f.regTokens(), f.patchTokens(), f.prenorm());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        long b = s.get(0);
        long n = (s.get(2) / config.patchSize()) * (s.get(3) / config.patchSize());
        long d = config.embedDim();
        long r = config.numRegisters();
        return new Shape[] {new Shape(b, d), new Shape(b, r, d), new Shape(b, n, d), new Shape(b, 1 + r + n, d)};
    }

    /** The official {@code forward_features(x, masks)}; {@code masks} may be null. */
    public FeatureOutputs forwardFeatures(ParameterStore ps, NDArray x, NDArray masks, boolean training) {
        NDArray t = prepareTokens(ps, x, masks, training);
        for (TransformerBlock blk : blocks) {
            t = blk.apply(ps, t, training);
        }
        NDArray xn = norm.apply(ps, t, training);
        int r = config.numRegisters();
        return new FeatureOutputs(xn.get(":, 0"), xn.get(":, 1:" + (1 + r)), xn.get(":, " + (1 + r) + ":"), t);
    }

    /**
     * The official {@code get_intermediate_layers(x, n, reshape=False, return_class_token=True,
     * norm)} with {@code n} an int: the outputs of the last {@code n} blocks.
     */
    public List<IntermediateLayer> intermediateLayers(ParameterStore ps, NDArray x, int n, boolean norm) {
        if (n <= 0 || n > blocks.size()) {
            throw new IllegalArgumentException("n must be in [1, " + blocks.size() + "], got " + n);
        }
        int[] take = new int[n];
        for (int i = 0; i < n; i++) {
            take[i] = blocks.size() - n + i;
        }
        return intermediateLayers(ps, x, take, norm);
    }

    /** As {@link #intermediateLayers(ParameterStore, NDArray, int, boolean)} with explicit block indices. */
    public List<IntermediateLayer> intermediateLayers(ParameterStore ps, NDArray x, int[] blockIndices, boolean norm) {
        List<NDArray> raw = blockOutputs(ps, x, null, blockIndices, false);
        int r = config.numRegisters();
        List<IntermediateLayer> out = new ArrayList<>();
        int[] sorted = sortedIndices(blockIndices);
        for (int i = 0; i < sorted.length; i++) {
            NDArray o = norm ? this.norm.apply(ps, raw.get(i), false) : raw.get(i);
            out.add(new IntermediateLayer(sorted[i], o.get(":, " + (1 + r) + ":"), o.get(":, 0")));
        }
        return out;
    }

    /**
     * The raw (pre-norm) outputs of the given blocks, in increasing block order, like the official
     * {@code _get_intermediate_layers_not_chunked}.
     */
    public List<NDArray> blockOutputs(
            ParameterStore ps, NDArray x, NDArray masks, int[] blockIndices, boolean training) {
        int[] sorted = sortedIndices(blockIndices);
        NDArray t = prepareTokens(ps, x, masks, training);
        List<NDArray> out = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < blocks.size() && next < sorted.length; i++) {
            t = blocks.get(i).apply(ps, t, training);
            if (sorted[next] == i) {
                out.add(t);
                next++;
            }
        }
        return out;
    }

    private int[] sortedIndices(int[] blockIndices) {
        int[] sorted = Arrays.stream(blockIndices).distinct().sorted().toArray();
        for (int i : sorted) {
            if (i < 0 || i >= blocks.size()) {
                throw new IllegalArgumentException("block index " + i + " outside [0, " + blocks.size() + ")");
            }
        }
        return sorted;
    }

    /** The patch-embedding output {@code (B, h*w, D)} (the fixture's {@code debug.patch_embed}). */
    public NDArray patchEmbed(ParameterStore ps, NDArray x, boolean training) {
        checkInput(x);
        return patchEmbed.apply(ps, x, training);
    }

    /**
     * The official {@code prepare_tokens_with_masks}: tokens entering block 0, {@code [cls + pos0,
     * reg_1..reg_R (no pos), patch_i + pos_i]}.
     */
    public NDArray prepareTokens(ParameterStore ps, NDArray x, NDArray masks, boolean training) {
        checkInput(x);
        Shape s = x.getShape();
        long b = s.get(0);
        int d = config.embedDim();
        NDArray tokens = patchEmbed.apply(ps, x, training);
        long n = tokens.getShape().get(1);
        if (masks != null) {
            if (!masks.getShape().equals(new Shape(b, n)) || masks.getDataType() != DataType.BOOLEAN) {
                throw new IllegalArgumentException("masks must be BOOLEAN " + new Shape(b, n) + ", got "
                        + masks.getDataType() + " " + masks.getShape());
            }
            NDArray tok = value(ps, maskToken, x, training).reshape(1, 1, d).broadcast(b, n, d);
            tokens = NDArrays.where(masks.expandDims(2).broadcast(b, n, d), tok, tokens);
        }
        NDArray cls = value(ps, clsToken, x, training).broadcast(b, 1, d);
        NDArray t = NDArrays.concat(new NDList(cls, tokens), 1);
        t = t.add(interpolatePosEncoding(ps, x, (int) s.get(2), (int) s.get(3), training));
        if (registerTokens != null) {
            NDArray reg = value(ps, registerTokens, x, training).broadcast(b, config.numRegisters(), d);
            t = NDArrays.concat(new NDList(t.get(":, :1"), reg, t.get(":, 1:")), 1);
        }
        return t;
    }

    /**
     * The official {@code interpolate_pos_encoding} for an input of {@code height x width} pixels:
     * the stored {@code pos_embed} when the patch count equals the grid's and the input is square,
     * otherwise the bicubic resampling of {@link PosEmbedInterpolation}. Shape {@code (1, 1+h*w, D)}.
     *
     * @param like an array whose manager and device receive the constant interpolation matrices
     */
    public NDArray interpolatePosEncoding(ParameterStore ps, NDArray like, int height, int width, boolean training) {
        int p = config.patchSize();
        int m = config.posGrid();
        int h0 = height / p;
        int w0 = width / p;
        NDArray pos = value(ps, posEmbed, like, training);
        if ((long) h0 * w0 == (long) m * m && height == width) {
            return pos;
        }
        int d = config.embedDim();
        NDManager mgr = like.getManager();
        double offset = config.interpolateOffset();
        boolean aa = config.interpolateAntialias();
        NDArray wh = mgr.create(PosEmbedInterpolation.matrix(m, h0, offset, aa), new Shape(h0, m))
                .toDevice(like.getDevice(), false);
        NDArray ww = mgr.create(PosEmbedInterpolation.matrix(m, w0, offset, aa), new Shape(w0, m))
                .toDevice(like.getDevice(), false);
        NDArray grid = pos.get(":, 1:").reshape(m, (long) m * d);
        NDArray rows = wh.matMul(grid).reshape(h0, m, d).transpose(1, 0, 2).reshape(m, (long) h0 * d);
        NDArray both = ww.matMul(rows).reshape(w0, h0, d).transpose(1, 0, 2).reshape(1, (long) h0 * w0, d);
        return NDArrays.concat(new NDList(pos.get(":, :1"), both), 1);
    }

    private void checkInput(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("input must be (B, C, H, W), got " + s);
        }
        if (s.get(1) != config.inChans()) {
            throw new IllegalArgumentException(
                    "input has " + s.get(1) + " channels, the model expects " + config.inChans());
        }
        checkSide("height", s.get(2));
        checkSide("width", s.get(3));
    }

    private void checkSide(String what, long side) {
        int p = config.patchSize();
        if (side < p || side % p != 0) {
            long lower = Math.max(p, side / p * p);
            long upper = (side / p + 1) * p;
            throw new IllegalArgumentException(
                    "input " + what + " " + side + " is not a positive multiple of the patch size " + p + " (use "
                            + (lower == upper ? upper : lower + " or " + upper) + ")");
        }
    }
}
