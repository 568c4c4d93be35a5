package io.dinostream.embedder.model;

/**
 * How to read a weights file. Every field is optional (null): what is not given is inferred from the
 * tensors and the file's metadata.
 *
 * @param preset a preset name ({@link DinoV2Config#preset}); the tensors must then fit it exactly
 * @param numHeads attention heads, needed when the width is not a released one (384, 768, 1024,
 *     1536) and the file's metadata does not say
 * @param interpolateOffset positional-embedding interpolation offset (default: 0.1 without registers,
 *     0.0 with, as the official hub models)
 * @param interpolateAntialias positional-embedding antialiasing (default: false without registers,
 *     true with)
 */
public record LoadOptions(String preset, Integer numHeads, Double interpolateOffset, Boolean interpolateAntialias) {
    /** Everything inferred. */
    public static LoadOptions defaults() {
        return new LoadOptions(null, null, null, null);
    }

    public LoadOptions withPreset(String name) {
        return new LoadOptions(name, numHeads, interpolateOffset, interpolateAntialias);
    }

    public LoadOptions withNumHeads(int heads) {
        return new LoadOptions(preset, heads, interpolateOffset, interpolateAntialias);
    }

    public LoadOptions withInterpolation(double offset, boolean antialias) {
        return new LoadOptions(preset, numHeads, offset, antialias);
    }
}
