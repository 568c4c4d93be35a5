package io.dinostream.trainer.optim;

import java.util.Locale;

/**
 * The per-parameter multipliers of DINOv2's {@code get_params_groups_with_decay}, by official parameter
 * name: layer-wise learning-rate decay ({@code decay^(blocks + 1 - layer)}, where the patch embedding and
 * tokens are layer 0, block i is layer i + 1 and everything after the blocks is layer blocks + 1), a
 * learning-rate multiplier for the patch embedding, no weight decay on biases and norms (as the reference)
 * nor on the tokens ({@code cls_token}, {@code pos_embed}, {@code mask_token}, {@code register_tokens}),
 * and the head's {@code last_layer} flagged, since it is frozen for the first epoch.
 */
public final class ParameterGroups {
    /** How one parameter is optimised. */
    public record Group(String name, double lrMultiplier, double wdMultiplier, boolean lastLayer) {}

    private ParameterGroups() {}

    /**
     * @param name the official name, without a model prefix ({@code blocks.3.attn.qkv.weight})
     * @param blocks the backbone's number of blocks; 0 for a head (no layer-wise decay)
     */
    public static Group of(String name, int blocks, double layerDecay, double patchEmbedLrMultiplier) {
        double lr = blocks > 0 ? Math.pow(layerDecay, blocks + 1 - layer(name, blocks)) : 1.0;
        if (name.contains("patch_embed")) {
            lr *= patchEmbedLrMultiplier;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        boolean noDecay = name.endsWith(".bias") || lower.contains("norm") || name.contains("gamma") || isToken(name);
        return new Group(name, lr, noDecay ? 0.0 : 1.0, name.contains("last_layer"));
    }

    static boolean isToken(String name) {
        return name.contains("cls_token")
                || name.contains("pos_embed")
                || name.contains("mask_token")
                || name.contains("register_tokens");
    }

    /** The layer of a backbone parameter: 0 for embeddings and tokens, i + 1 for block i, else blocks + 1. */
    static int layer(String name, int blocks) {
        if (isToken(name) || name.contains("patch_embed")) {
            return 0;
        }
        int at = name.indexOf("blocks.");
        if (at >= 0 && !name.contains("residual.")) {
            String[] parts = name.substring(at).split("\\.");
            // "blocks.<i>." or, chunked as the reference's FSDP layout, "blocks.<chunk>.<i>."
            try {
                return Integer.parseInt(parts[1]) + 1;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cannot read the block of " + name, e);
            }
        }
        return blocks + 1;
    }
}
