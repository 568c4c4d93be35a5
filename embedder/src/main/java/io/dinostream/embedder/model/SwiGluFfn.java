package io.dinostream.embedder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;

/**
 * The official {@code SwiGLUFFNFused} (ViT-g/14) on its pure-PyTorch path: {@code x1, x2 =
 * w12(x).chunk(2, -1)}, {@code w3(silu(x1) * x2)}. {@code w12.weight} is {@code (2*hidden, D)} with
 * the {@code x1} rows first.
 */
public final class SwiGluFfn extends DinoLayer {
    private final int hidden;
    private final Dense w12;
    private final Dense w3;

    public SwiGluFfn(int dim, int hidden) {
        this.hidden = hidden;
        this.w12 = child("w12", new Dense(dim, 2 * hidden, true));
        this.w3 = child("w3", new Dense(hidden, dim, true));
    }

    @Override
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray x12 = w12.apply(ps, x, training);
        NDArray x1 = x12.get("..., :" + hidden);
        NDArray x2 = x12.get("..., " + hidden + ":");
        NDArray silu = x1.mul(Activation.sigmoid(x1));
        return w3.apply(ps, silu.mul(x2), training);
    }
}
