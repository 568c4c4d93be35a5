package io.dinostream.embedder.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The architecture of one DINOv2 vision transformer, as the official {@code DinoVisionTransformer}
 * arguments. Immutable; the constructor validates every field and names the bad value.
 *
 * @param name preset name ({@code vits14} ...) or {@code custom}
 * @param patchSize patch side in pixels (14 for every DINOv2 model)
 * @param inChans input channels (3)
 * @param embedDim token width {@code D}
 * @param depth number of transformer blocks
 * @param numHeads attention heads; must divide {@code embedDim}
 * @param numRegisters register tokens (0 or 4 in the released models)
 * @param ffn feed-forward type
 * @param ffnHidden hidden width of the feed-forward network
 * @param posGrid side {@code M} of the stored positional-embedding grid ({@code img_size / patch})
 * @param layerScale whether blocks have LayerScale ({@code ls1}, {@code ls2}); all released models do
 * @param layerNormEps LayerNorm epsilon (1e-6)
 * @param interpolateOffset the official {@code interpolate_offset}: 0.1 for the plain models, 0.0 for
 *     the register models (0 means "interpolate to an explicit size")
 * @param interpolateAntialias the official {@code interpolate_antialias}: false for the plain models,
 *     true for the register models
 */
public record DinoV2Config(
        String name,
        int patchSize,
        int inChans,
        int embedDim,
        int depth,
        int numHeads,
        int numRegisters,
        FfnType ffn,
        int ffnHidden,
        int posGrid,
        boolean layerScale,
        float layerNormEps,
        double interpolateOffset,
        boolean interpolateAntialias) {

    /** Name of the small random-weights demo preset (before a trained model existed). */
    public static final String DEMO_PRESET = "vit-tiny-demo";

    /** The default model: a ViT trained on Fashion-MNIST by {@code dinostream train}, bundled with the embedder. */
    public static final String FMNIST_PRESET = "fmnist-vit-tiny";
    /** The distilled student of {@link #FMNIST_PRESET}; its weights ship in the jar too. */
    public static final String FMNIST_MICRO_PRESET = "fmnist-vit-micro";

    private static final Map<String, DinoV2Config> PRESETS = buildPresets();

    public DinoV2Config {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must be non-empty");
        }
        positive("patchSize", patchSize);
        positive("inChans", inChans);
        positive("embedDim", embedDim);
        positive("depth", depth);
        positive("numHeads", numHeads);
        positive("ffnHidden", ffnHidden);
        positive("posGrid", posGrid);
        if (numRegisters < 0) {
            throw new IllegalArgumentException("numRegisters must be >= 0, got " + numRegisters);
        }
        if (embedDim % numHeads != 0) {
            throw new IllegalArgumentException("numHeads " + numHeads + " does not divide embedDim " + embedDim);
        }
        if (ffn == null) {
            throw new IllegalArgumentException("ffn must be set");
        }
        if (!(layerNormEps > 0)) {
            throw new IllegalArgumentException("layerNormEps must be positive, got " + layerNormEps);
        }
        if (!(interpolateOffset >= 0 && interpolateOffset < 1)) {
            throw new IllegalArgumentException("interpolateOffset must be in [0, 1), got " + interpolateOffset);
        }
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be positive, got " + value);
        }
    }

    /** Per-head width. */
    public int headDim() {
        return embedDim / numHeads;
    }

    /** The image side the positional embeddings were trained for ({@code posGrid * patchSize}). */
    public int imgSize() {
        return posGrid * patchSize;
    }

    /** Number of parameters, as {@code sum(p.numel() for p in model.parameters())} (mask token included). */
    public long parameterCount() {
        long d = embedDim;
        long n = d * inChans * patchSize * patchSize + d; // patch_embed
        n += d; // cls_token
        n += (1L + (long) posGrid * posGrid) * d; // pos_embed
        n += (long) numRegisters * d; // register_tokens
        n += d; // mask_token
        long h = ffnHidden;
        long block = 2 * d // norm1
                + 3 * d * d
                + 3 * d // qkv
                + d * d
                + d // proj
                + 2 * d // norm2
                + (ffn == FfnType.MLP ? d * h + h + h * d + d : d * 2 * h + 2 * h + h * d + d)
                + (layerScale ? 2 * d : 0);
        n += depth * block;
        n += 2 * d; // norm
        return n;
    }

    /** A copy with another name. */
    public DinoV2Config withName(String newName) {
        return new DinoV2Config(
                newName,
                patchSize,
                inChans,
                embedDim,
                depth,
                numHeads,
                numRegisters,
                ffn,
                ffnHidden,
                posGrid,
                layerScale,
                layerNormEps,
                interpolateOffset,
                interpolateAntialias);
    }

    /** A copy with another number of heads. */
    public DinoV2Config withNumHeads(int heads) {
        return new DinoV2Config(
                name,
                patchSize,
                inChans,
                embedDim,
                depth,
                heads,
                numRegisters,
                ffn,
                ffnHidden,
                posGrid,
                layerScale,
                layerNormEps,
                interpolateOffset,
                interpolateAntialias);
    }

    /** A copy with other positional-embedding interpolation settings. */
    public DinoV2Config withInterpolation(double offset, boolean antialias) {
        return new DinoV2Config(
                name,
                patchSize,
                inChans,
                embedDim,
                depth,
                numHeads,
                numRegisters,
                ffn,
                ffnHidden,
                posGrid,
                layerScale,
                layerNormEps,
                offset,
                antialias);
    }

    /** One-line summary, e.g. for {@code dinostream model info}. */
    public String summary() {
        return String.format(
                Locale.ROOT,
                "%s: ViT patch %d, width %d, depth %d, heads %d (head dim %d), registers %d, FFN %s hidden %d,"
                        + " pos grid %dx%d (%d px), LayerScale %s, interpolation offset %s antialias %s,"
                        + " %,d parameters",
                name,
                patchSize,
                embedDim,
                depth,
                numHeads,
                headDim(),
                numRegisters,
                ffn.name().toLowerCase(Locale.ROOT),
                ffnHidden,
                posGrid,
                posGrid,
                imgSize(),
                layerScale ? "on" : "off",
                interpolateOffset,
                interpolateAntialias,
                parameterCount());
    }

    /** The preset names, in a stable order. */
    public static List<String> presetNames() {
        return List.copyOf(PRESETS.keySet());
    }

    /**
     * A named preset: {@code vits14}, {@code vitb14}, {@code vitl14}, {@code vitg14}, the same with
     * {@code _reg4} (4 registers, antialiased interpolation without offset, as the official hub), or
     * {@link #DEMO_PRESET} or {@link #FMNIST_PRESET}. A {@code dinov2_} prefix is accepted ({@code dinov2_vits14_reg4}).
     *
     * @throws IllegalArgumentException naming the unknown preset and the known ones
     */
    public static DinoV2Config preset(String name) {
        String key = name.toLowerCase(Locale.ROOT).trim();
        if (key.startsWith("dinov2_") || key.startsWith("dinov2-")) {
            key = key.substring(7);
        }
        if (key.endsWith("_reg")) {
            key = key + "4";
        }
        DinoV2Config config = PRESETS.get(key);
        if (config == null) {
            throw new IllegalArgumentException("unknown model preset '" + name + "'; known: " + presetNames());
        }
        return config;
    }

    /**
     * The official number of heads for a released width (384: 6, 768: 12, 1024: 16, 1536: 24), or -1
     * when the width is not one of those.
     */
    public static int officialHeads(int embedDim) {
        return switch (embedDim) {
            case 384 -> 6;
            case 768 -> 12;
            case 1024 -> 16;
            case 1536 -> 24;
            default -> -1;
        };
    }

    private static Map<String, DinoV2Config> buildPresets() {
        Map<String, DinoV2Config> m = new LinkedHashMap<>();
        official(m, "vits14", 384, 12, 6, FfnType.MLP);
        official(m, "vitb14", 768, 12, 12, FfnType.MLP);
        official(m, "vitl14", 1024, 24, 16, FfnType.MLP);
        official(m, "vitg14", 1536, 40, 24, FfnType.SWIGLU);
        // The Fashion-MNIST model trained by dinostream (docs/training.md); its weights ship in the jar.
        m.put(
                FMNIST_PRESET,
                new DinoV2Config(FMNIST_PRESET, 7, 3, 96, 4, 3, 0, FfnType.MLP, 384, 4, true, 1e-6f, 0.1, false));
        // Its distilled student (docs/training.md), also shipped: a fifth of the parameters.
        m.put(
                FMNIST_MICRO_PRESET,
                new DinoV2Config(FMNIST_MICRO_PRESET, 7, 3, 48, 3, 2, 0, FfnType.MLP, 192, 4, true, 1e-6f, 0.1, false));
        m.put(
                DEMO_PRESET,
                new DinoV2Config(DEMO_PRESET, 14, 3, 192, 4, 3, 0, FfnType.MLP, 768, 16, true, 1e-6f, 0.1, false));
        return m;
    }

    private static void official(Map<String, DinoV2Config> m, String name, int dim, int depth, int heads, FfnType ffn) {
        // dinov2.hub.backbones: img_size 518 (grid 37), patch 14, init_values 1.0, block_chunks 0;
        // plain models interpolate with offset 0.1 and no antialias, register models with
        // interpolate_antialias=True, interpolate_offset=0.0.
        m.put(
                name,
                new DinoV2Config(
                        name, 14, 3, dim, depth, heads, 0, ffn, ffn.defaultHidden(dim), 37, true, 1e-6f, 0.1, false));
        String reg = name + "_reg4";
        m.put(
                reg,
                new DinoV2Config(
                        reg, 14, 3, dim, depth, heads, 4, ffn, ffn.defaultHidden(dim), 37, true, 1e-6f, 0.0, true));
    }
}
