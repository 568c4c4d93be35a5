package io.dinostream.embedder.model;

import java.util.Locale;

/** How one embedding vector is taken from the output tokens; the result is always L2-normalised. */
public enum Pooling {
    /** The normalised class token ({@code x_norm_clstoken}), {@code D} values. */
    CLS("cls"),
    /** The class token concatenated with the mean of the patch tokens, {@code 2D} values. */
    CLS_MEAN_PATCH("cls+mean-patch"),
    /** The mean of the normalised patch tokens, {@code D} values. */
    MEAN_PATCH("mean-patch");

    private final String wireName;

    Pooling(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in {@code EmbeddingSpec.pooling} and configuration. */
    public String wireName() {
        return wireName;
    }

    /** The vector length for a model of width {@code embedDim}. */
    public int outputDim(int embedDim) {
        return this == CLS_MEAN_PATCH ? 2 * embedDim : embedDim;
    }

    /**
     * Parses a wire name ({@code cls}, {@code cls+mean-patch}, {@code mean-patch}) or an enum name.
     *
     * @throws IllegalArgumentException naming the bad value and the accepted ones
     */
    public static Pooling parse(String name) {
        for (Pooling p : values()) {
            if (p.wireName.equalsIgnoreCase(name) || p.name().equalsIgnoreCase(name.replace('-', '_'))) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "unknown pooling '" + name + "'; expected one of cls, cls+mean-patch, mean-patch");
    }

    @Override
    public String toString() {
        return wireName.toLowerCase(Locale.ROOT);
    }
}
