package io.dinostream.embedder.model;

import io.dinostream.embedder.model.SafeTensors.DType;
import io.dinostream.embedder.model.SafeTensors.FloatTensor;
import io.dinostream.embedder.model.SafeTensors.TensorInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading and writing DINOv2 weights in safetensors files, with either naming:
 *
 * <ul>
 *   <li>{@link Naming#OFFICIAL}: the facebookresearch/dinov2 {@code state_dict()} names ({@code
 *       cls_token}, {@code blocks.0.attn.qkv.weight} ...); {@code blocks.<chunk>.<i>.} keys of
 *       chunked training checkpoints and prefixes such as {@code teacher.backbone.} are accepted.
 *   <li>{@link Naming#HUGGING_FACE}: transformers' {@code Dinov2Model} / {@code
 *       Dinov2WithRegistersModel} names ({@code embeddings.cls_token}, {@code
 *       encoder.layer.0.attention.attention.query.weight} ...), with or without a {@code dinov2.}
 *       prefix; query, key and value are stacked into the official {@code qkv}.
 * </ul>
 *
 * The naming is detected from the patch-embedding key. The architecture is inferred from the tensors
 * (width, depth, patch, registers, FFN type and width, LayerScale, positional grid) unless a preset
 * is given; heads come from the options, the file's metadata or the released models' table. F32, F16,
 * BF16 (and F64) files load; values are converted to float32 in Java.
 *
 * <p>Files written here carry {@code __metadata__}: {@code format=pt}, {@code naming}, and the
 * architecture hints {@code dinostream.preset}, {@code dinostream.num_heads}, {@code
 * dinostream.interpolate_offset}, {@code dinostream.interpolate_antialias} (version {@value
 * #FORMAT_VERSION} in {@code dinostream.format_version}).
 */
public final class DinoV2Weights {
    /**
     * Metadata: the input side the model was trained for; the embedder resizes the shorter side to it and
     * crops nothing (instead of DINOv2's resize to 256/224 of the crop).
     */
    public static final String META_RESOLUTION = "dinostream.resolution";

    /** Version of the metadata this class writes. */
    public static final String FORMAT_VERSION = "1";

    static final String META_PRESET = "dinostream.preset";
    static final String META_HEADS = "dinostream.num_heads";
    static final String META_OFFSET = "dinostream.interpolate_offset";
    static final String META_ANTIALIAS = "dinostream.interpolate_antialias";
    static final String META_VERSION = "dinostream.format_version";

    private static final String OFFICIAL_PATCH = "patch_embed.proj.weight";
    private static final String HF_PATCH = "embeddings.patch_embeddings.projection.weight";
    private static final Pattern CHUNKED = Pattern.compile("^blocks\\.(\\d+)\\.(\\d+)\\.(.*)$");
    private static final Pattern OFFICIAL_BLOCK = Pattern.compile("^blocks\\.(\\d+)\\.(.*)$");
    private static final Pattern HF_BLOCK = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.(.*)$");

    private static final Map<String, String> HF_TOP = Map.of(
            "embeddings.cls_token", "cls_token",
            "embeddings.mask_token", "mask_token",
            "embeddings.position_embeddings", "pos_embed",
            "embeddings.register_tokens", "register_tokens",
            "embeddings.patch_embeddings.projection.weight", "patch_embed.proj.weight",
            "embeddings.patch_embeddings.projection.bias", "patch_embed.proj.bias",
            "layernorm.weight", "norm.weight",
            "layernorm.bias", "norm.bias");

    private static final Map<String, String> HF_BLOCK_SUFFIX = Map.ofEntries(
            Map.entry("norm1.weight", "norm1.weight"),
            Map.entry("norm1.bias", "norm1.bias"),
            Map.entry("norm2.weight", "norm2.weight"),
            Map.entry("norm2.bias", "norm2.bias"),
            Map.entry("attention.output.dense.weight", "attn.proj.weight"),
            Map.entry("attention.output.dense.bias", "attn.proj.bias"),
            Map.entry("layer_scale1.lambda1", "ls1.gamma"),
            Map.entry("layer_scale2.lambda1", "ls2.gamma"),
            Map.entry("mlp.fc1.weight", "mlp.fc1.weight"),
            Map.entry("mlp.fc1.bias", "mlp.fc1.bias"),
            Map.entry("mlp.fc2.weight", "mlp.fc2.weight"),
            Map.entry("mlp.fc2.bias", "mlp.fc2.bias"),
            Map.entry("mlp.weights_in.weight", "mlp.w12.weight"),
            Map.entry("mlp.weights_in.bias", "mlp.w12.bias"),
            Map.entry("mlp.weights_out.weight", "mlp.w3.weight"),
            Map.entry("mlp.weights_out.bias", "mlp.w3.bias"));

    private static final String[] QKV = {"query", "key", "value"};

    private DinoV2Weights() {}

    /** The two supported key namings. */
    public enum Naming {
        OFFICIAL("facebookresearch/dinov2"),
        HUGGING_FACE("transformers Dinov2Model");

        private final String label;

        Naming(String label) {
            this.label = label;
        }

        /** The {@code naming} metadata value written for this naming. */
        public String label() {
            return label;
        }
    }

    /**
     * Weights read from a file.
     *
     * @param config the architecture (inferred or the requested preset)
     * @param tensors float32 tensors under official names, in official order
     * @param naming the naming the file used
     * @param dtype the file's float type (the most common one)
     * @param metadata the file's {@code __metadata__}
     */
    public record Loaded(
            DinoV2Config config,
            Map<String, FloatTensor> tensors,
            Naming naming,
            DType dtype,
            Map<String, String> metadata) {}

    /** Reads a weights file; see the class comment. */
    public static Loaded read(Path path, LoadOptions options) throws IOException {
        try (SafeTensors.Reader reader = SafeTensors.open(path)) {
            Map<String, TensorInfo> infos = reader.tensors();
            String prefix = null;
            Naming naming = null;
            for (String key : infos.keySet()) {
                if (key.endsWith(OFFICIAL_PATCH)) {
                    prefix = key.substring(0, key.length() - OFFICIAL_PATCH.length());
                    naming = Naming.OFFICIAL;
                    break;
                }
                if (key.endsWith(HF_PATCH)) {
                    prefix = key.substring(0, key.length() - HF_PATCH.length());
                    naming = Naming.HUGGING_FACE;
                    break;
                }
            }
            if (naming == null) {
                throw new WeightsException(
                        path + ": not a DINOv2 checkpoint: no '" + OFFICIAL_PATCH + "' (official) or '" + HF_PATCH
                                + "' (Hugging Face) tensor among " + infos.size() + " tensors");
            }
            // official name -> source name(s); unknown names kept for the error message
            Map<String, List<String>> sources = new LinkedHashMap<>();
            List<String> unexpected = new ArrayList<>();
            for (String key : infos.keySet()) {
                if (!key.startsWith(prefix)) {
                    unexpected.add(key);
                    continue;
                }
                String local = key.substring(prefix.length());
                String official = naming == Naming.OFFICIAL ? officialKey(local) : hfToOfficial(local);
                if (official == null) {
                    unexpected.add(key);
                } else {
                    sources.computeIfAbsent(official, k -> new ArrayList<>()).add(key);
                }
            }
            Map<String, long[]> shapes = new HashMap<>();
            for (Map.Entry<String, List<String>> e : sources.entrySet()) {
                shapes.put(e.getKey(), officialShape(e.getKey(), e.getValue(), infos, path));
            }
            DinoV2Config config = resolveConfig(path, shapes, reader.metadata(), options);
            DinoVisionTransformer layout = new DinoVisionTransformer(config);
            List<String> problems = new ArrayList<>();
            for (String key : unexpected) {
                problems.add("unexpected tensor '" + key + "'");
            }
            for (String name : sources.keySet()) {
                if (!layout.parameterShapes().containsKey(name)) {
                    problems.add("unexpected tensor '" + String.join("', '", sources.get(name)) + "'");
                }
            }
            for (var e : layout.parameterShapes().entrySet()) {
                long[] have = shapes.get(e.getKey());
                String shown = naming == Naming.OFFICIAL ? prefix + e.getKey() : prefix + officialToHfNames(e.getKey());
                if (have == null) {
                    problems.add("missing tensor '" + shown + "'");
                } else if (!Arrays.equals(have, e.getValue().getShape())) {
                    problems.add("tensor '" + String.join("', '", sources.get(e.getKey())) + "' has shape "
                            + Arrays.toString(have) + ", expected " + e.getValue());
                }
            }
            if (!problems.isEmpty()) {
                throw new WeightsException(path + ": weights do not fit " + config.name() + " (width "
                        + config.embedDim() + ", depth " + config.depth() + ", registers " + config.numRegisters()
                        + ", ffn " + config.ffn() + "): "
                        + String.join("; ", problems.subList(0, Math.min(20, problems.size())))
                        + (problems.size() > 20 ? "; ... (" + problems.size() + " problems)" : ""));
            }
            Map<String, FloatTensor> tensors = new LinkedHashMap<>();
            Map<DType, Integer> dtypeCounts = new TreeMap<>();
            for (String name : layout.parameterShapes().keySet()) {
                List<String> src = sources.get(name);
                for (String s : src) {
                    dtypeCounts.merge(infos.get(s).dtype(), 1, Integer::sum);
                }
                tensors.put(name, new FloatTensor(shapes.get(name), concatRows(reader, src)));
            }
            DType dtype = dtypeCounts.entrySet().stream()
                    .max(Map.Entry.comparingByValue())
                    .map(Map.Entry::getKey)
                    .orElse(DType.F32);
            return new Loaded(config, tensors, naming, dtype, reader.metadata());
        }
    }

    /**
     * Writes weights (official names in {@code tensors}) in the given naming and float type, with
     * architecture metadata.
     */
    public static void write(
            Path path, DinoV2Config config, Map<String, FloatTensor> tensors, Naming naming, DType dtype)
            throws IOException {
        write(path, config, tensors, naming, dtype, Map.of());
    }

    /** As above, with extra metadata entries (e.g. {@link #META_RESOLUTION}). */
    public static void write(
            Path path,
            DinoV2Config config,
            Map<String, FloatTensor> tensors,
            Naming naming,
            DType dtype,
            Map<String, String> extraMetadata)
            throws IOException {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        if (naming == Naming.OFFICIAL) {
            out.putAll(tensors);
        } else {
            Map<String, FloatTensor> sorted = new TreeMap<>();
            for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
                sorted.putAll(officialToHf(e.getKey(), e.getValue()));
            }
            out.putAll(sorted);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("naming", naming.label());
        meta.put(META_VERSION, FORMAT_VERSION);
        meta.put(META_PRESET, config.name());
        meta.put(META_HEADS, Integer.toString(config.numHeads()));
        meta.put(META_OFFSET, Double.toString(config.interpolateOffset()));
        meta.put(META_ANTIALIAS, Boolean.toString(config.interpolateAntialias()));
        meta.putAll(extraMetadata);
        SafeTensors.write(path, out, meta, dtype);
    }

    /** Normalises an official key: drops the chunk index of {@code blocks.<chunk>.<i>.} keys. */
    private static String officialKey(String key) {
        Matcher m = CHUNKED.matcher(key);
        if (m.matches()) {
            return "blocks." + m.group(2) + "." + m.group(3);
        }
        return key;
    }

    /** The official name for a Hugging Face key, {@code blocks.i.attn.qkv.*} for query/key/value, or null. */
    static String hfToOfficial(String key) {
        String top = HF_TOP.get(key);
        if (top != null) {
            return top;
        }
        Matcher m = HF_BLOCK.matcher(key);
        if (!m.matches()) {
            return null;
        }
        String suffix = m.group(2);
        String prefix = "blocks." + m.group(1) + ".";
        for (String part : QKV) {
            if (suffix.equals("attention.attention." + part + ".weight")) {
                return prefix + "attn.qkv.weight";
            }
            if (suffix.equals("attention.attention." + part + ".bias")) {
                return prefix + "attn.qkv.bias";
            }
        }
        String mapped = HF_BLOCK_SUFFIX.get(suffix);
        return mapped == null ? null : prefix + mapped;
    }

    /** The Hugging Face name(s) of an official parameter name, for messages. */
    static String officialToHfNames(String official) {
        List<String> names = new ArrayList<>();
        officialToHf(official, new FloatTensor(new long[] {0}, new float[0]), names);
        return String.join("', '", names);
    }

    private static Map<String, FloatTensor> officialToHf(String official, FloatTensor t) {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        List<FloatTensor> parts = officialToHf(official, t, names);
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), parts.get(i));
        }
        return out;
    }

    private static List<FloatTensor> officialToHf(String official, FloatTensor t, List<String> names) {
        for (Map.Entry<String, String> e : HF_TOP.entrySet()) {
            if (e.getValue().equals(official)) {
                names.add(e.getKey());
                return List.of(t);
            }
        }
        Matcher m = OFFICIAL_BLOCK.matcher(official);
        if (!m.matches()) {
            throw new IllegalArgumentException("no Hugging Face name for '" + official + "'");
        }
        String prefix = "encoder.layer." + m.group(1) + ".";
        String suffix = m.group(2);
        if (suffix.equals("attn.qkv.weight") || suffix.equals("attn.qkv.bias")) {
            String kind = suffix.endsWith("weight") ? "weight" : "bias";
            List<FloatTensor> parts = new ArrayList<>();
            long rows = t.shape()[0] / 3;
            int per = t.data().length / 3;
            for (int i = 0; i < 3; i++) {
                names.add(prefix + "attention.attention." + QKV[i] + "." + kind);
                long[] shape = t.shape().clone();
                shape[0] = rows;
                parts.add(new FloatTensor(shape, Arrays.copyOfRange(t.data(), i * per, (i + 1) * per)));
            }
            return parts;
        }
        for (Map.Entry<String, String> e : HF_BLOCK_SUFFIX.entrySet()) {
            if (e.getValue().equals(suffix)) {
                names.add(prefix + e.getKey());
                return List.of(t);
            }
        }
        throw new IllegalArgumentException("no Hugging Face name for '" + official + "'");
    }

    /** The official shape of a tensor, stacking query/key/value rows for a Hugging Face qkv. */
    private static long[] officialShape(String official, List<String> src, Map<String, TensorInfo> infos, Path path) {
        TensorInfo first = infos.get(src.get(0));
        if (!first.dtype().isFloat()) {
            throw new WeightsException(path + ": tensor '" + first.name() + "' has dtype " + first.dtype()
                    + ", expected F32, F16, BF16 or F64");
        }
        if (src.size() == 1) {
            if (official.endsWith("attn.qkv.weight") || official.endsWith("attn.qkv.bias")) {
                if (!first.name().endsWith("qkv.weight") && !first.name().endsWith("qkv.bias")) {
                    throw new WeightsException(path + ": only '" + first.name()
                            + "' of query, key and value present for '" + official + "'");
                }
            }
            return first.shape();
        }
        // Hugging Face query, key, value: order them and stack along rows.
        src.sort((a, b) -> Integer.compare(qkvIndex(a), qkvIndex(b)));
        if (src.size() != 3) {
            throw new WeightsException(path + ": expected query, key and value for '" + official + "', got " + src);
        }
        long[] shape = first.shape().clone();
        long rows = 0;
        for (String s : src) {
            TensorInfo info = infos.get(s);
            long[] other = info.shape();
            if (other.length != shape.length
                    || !Arrays.equals(
                            Arrays.copyOfRange(other, 1, other.length), Arrays.copyOfRange(shape, 1, shape.length))) {
                throw new WeightsException(path + ": tensor '" + s + "' has shape " + Arrays.toString(other)
                        + ", inconsistent with '" + src.get(0) + "' " + Arrays.toString(shape));
            }
            rows += other[0];
        }
        shape[0] = rows;
        return shape;
    }

    private static int qkvIndex(String name) {
        for (int i = 0; i < QKV.length; i++) {
            if (name.contains(".attention.attention." + QKV[i] + ".")) {
                return i;
            }
        }
        return QKV.length;
    }

    private static float[] concatRows(SafeTensors.Reader reader, List<String> src) {
        if (src.size() == 1) {
            return reader.readFloats(src.get(0));
        }
        List<float[]> parts = new ArrayList<>();
        int total = 0;
        for (String s : src) {
            float[] p = reader.readFloats(s);
            parts.add(p);
            total += p.length;
        }
        float[] out = new float[total];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static DinoV2Config resolveConfig(
            Path path, Map<String, long[]> shapes, Map<String, String> meta, LoadOptions options) {
        if (options.preset() != null) {
            DinoV2Config preset = DinoV2Config.preset(options.preset());
            if (options.numHeads() != null) {
                preset = preset.withNumHeads(options.numHeads());
            }
            return applyInterpolation(preset, meta, options);
        }
        long[] patch = shapes.get("patch_embed.proj.weight");
        if (patch.length != 4 || patch[2] != patch[3]) {
            throw new WeightsException(
                    path + ": patch embedding weight has shape " + Arrays.toString(patch) + ", expected (D, C, p, p)");
        }
        int dim = (int) patch[0];
        int inChans = (int) patch[1];
        int patchSize = (int) patch[2];
        TreeSet<Integer> blockIds = new TreeSet<>();
        for (String name : shapes.keySet()) {
            Matcher m = OFFICIAL_BLOCK.matcher(name);
            if (m.matches()) {
                blockIds.add(Integer.parseInt(m.group(1)));
            }
        }
        if (blockIds.isEmpty()) {
            throw new WeightsException(path + ": no transformer blocks found");
        }
        int depth = blockIds.last() + 1;
        for (int i = 0; i < depth; i++) {
            if (!blockIds.contains(i)) {
                throw new WeightsException(
                        path + ": missing tensors of block " + i + " (blocks 0.." + blockIds.last() + " expected)");
            }
        }
        long[] reg = shapes.get("register_tokens");
        int registers = reg == null ? 0 : (int) reg[1];
        FfnType ffn;
        int hidden;
        if (shapes.containsKey("blocks.0.mlp.w12.weight")) {
            ffn = FfnType.SWIGLU;
            hidden = (int) (shapes.get("blocks.0.mlp.w12.weight")[0] / 2);
        } else if (shapes.containsKey("blocks.0.mlp.fc1.weight")) {
            ffn = FfnType.MLP;
            hidden = (int) shapes.get("blocks.0.mlp.fc1.weight")[0];
        } else {
            throw new WeightsException(
                    path + ": block 0 has neither 'mlp.fc1.weight' (MLP) nor 'mlp.w12.weight' (SwiGLU)");
        }
        boolean layerScale = shapes.containsKey("blocks.0.ls1.gamma");
        long[] pos = shapes.get("pos_embed");
        if (pos == null || pos.length != 3) {
            throw new WeightsException(path + ": missing or malformed positional embedding 'pos_embed'");
        }
        int grid = (int) Math.round(Math.sqrt(pos[1] - 1));
        if ((long) grid * grid != pos[1] - 1) {
            throw new WeightsException(
                    path + ": positional embedding has " + (pos[1] - 1) + " patch entries, not a square grid");
        }
        int heads;
        if (options.numHeads() != null) {
            heads = options.numHeads();
        } else if (meta.containsKey(META_HEADS)) {
            heads = Integer.parseInt(meta.get(META_HEADS));
        } else if (DinoV2Config.officialHeads(dim) > 0) {
            heads = DinoV2Config.officialHeads(dim);
        } else {
            throw new WeightsException(path + ": cannot infer the number of heads for width " + dim
                    + " (not a released DINOv2 width and no '" + META_HEADS + "' metadata); pass it in LoadOptions");
        }
        DinoV2Config inferred = new DinoV2Config(
                "custom",
                patchSize,
                inChans,
                dim,
                depth,
                heads,
                registers,
                ffn,
                hidden,
                grid,
                layerScale,
                1e-6f,
                registers > 0 ? 0.0 : 0.1,
                registers > 0);
        String name = meta.getOrDefault(META_PRESET, "custom");
        for (String presetName : DinoV2Config.presetNames()) {
            DinoV2Config p = DinoV2Config.preset(presetName);
            if (p.withName("custom").equals(inferred.withName("custom"))) {
                name = presetName;
            }
        }
        return applyInterpolation(
                inferred.withName(name.isBlank() ? "custom" : name.toLowerCase(Locale.ROOT)), meta, options);
    }

    private static DinoV2Config applyInterpolation(DinoV2Config c, Map<String, String> meta, LoadOptions options) {
        double offset = c.interpolateOffset();
        boolean aa = c.interpolateAntialias();
        if (meta.containsKey(META_OFFSET)) {
            offset = Double.parseDouble(meta.get(META_OFFSET));
        }
        if (meta.containsKey(META_ANTIALIAS)) {
            aa = Boolean.parseBoolean(meta.get(META_ANTIALIAS));
        }
        if (options.interpolateOffset() != null) {
            offset = options.interpolateOffset();
        }
        if (options.interpolateAntialias() != null) {
            aa = options.interpolateAntialias();
        }
        return c.withInterpolation(offset, aa);
    }
}
