package io.dinostream.embedder.model;

/** The feed-forward network of a transformer block. */
public enum FfnType {
    /** {@code fc2(gelu(fc1(x)))} with exact (erf) GELU; official {@code ffn_layer="mlp"}. */
    MLP,
    /**
     * {@code w3(silu(x1) * x2)} where {@code x1, x2 = w12(x).chunk(2)}; official {@code
     * ffn_layer="swiglufused"} (ViT-g/14).
     */
    SWIGLU;

    /** The official hidden width for embedding width {@code dim} and MLP ratio 4. */
    public int defaultHidden(int dim) {
        return switch (this) {
            case MLP -> 4 * dim;
                // SwiGLUFFNFused: hidden = (int(hidden_features * 2 / 3) + 7) // 8 * 8
            case SWIGLU -> ((4 * dim * 2 / 3) + 7) / 8 * 8;
        };
    }
}
