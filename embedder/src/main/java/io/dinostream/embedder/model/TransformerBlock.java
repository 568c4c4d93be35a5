package io.dinostream.embedder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * The official pre-norm transformer {@code Block} ({@code NestedTensorBlock} on a plain tensor):
 *
 * <pre>
 * x = x + ls1(attn(norm1(x)))
 * x = x + ls2(mlp(norm2(x)))
 * </pre>
 *
 * <p>Stochastic depth (training only) is an optional hook: with {@link #setDropPathRate} above 0 each
 * residual branch is dropped per sample with that probability and the kept ones scaled by {@code
 * 1/(1-p)} (the official {@code drop_path}; the official block's batch-subset variant used when the
 * rate exceeds 0.1 has the same expectation). Inference ignores it.
 */
public final class TransformerBlock extends DinoLayer {
    private final TokenLayerNorm norm1;
    private final Attention attn;
    private final LayerScale ls1;
    private final TokenLayerNorm norm2;
    private final DinoLayer mlp;
    private final LayerScale ls2;
    private volatile float dropPathRate;

    public TransformerBlock(DinoV2Config c) {
        int d = c.embedDim();
        this.norm1 = child("norm1", new TokenLayerNorm(d, c.layerNormEps()));
        this.attn = child("attn", new Attention(d, c.numHeads()));
        this.ls1 = c.layerScale() ? child("ls1", new LayerScale(d)) : null;
        this.norm2 = child("norm2", new TokenLayerNorm(d, c.layerNormEps()));
        this.mlp = child("mlp", c.ffn() == FfnType.MLP ? new Mlp(d, c.ffnHidden()) : new SwiGluFfn(d, c.ffnHidden()));
        this.ls2 = c.layerScale() ? child("ls2", new LayerScale(d)) : null;
    }

    /** Sets the stochastic-depth probability used in training forward passes (0 disables it). */
    public void setDropPathRate(float rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("drop path rate must be in [0, 1), got " + rate);
        }
        this.dropPathRate = rate;
    }

    public float dropPathRate() {
        return dropPathRate;
    }

    @Override
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray a = attn.apply(ps, norm1.apply(ps, x, training), training);
        if (ls1 != null) {
            a = ls1.apply(ps, a, training);
        }
        x = x.add(dropPath(a, training));
        NDArray m = mlp.apply(ps, norm2.apply(ps, x, training), training);
        if (ls2 != null) {
            m = ls2.apply(ps, m, training);
        }
        return x.add(dropPath(m, training));
    }

    private NDArray dropPath(NDArray branch, boolean training) {
        float p = dropPathRate;
        if (!training || p == 0f) {
            return branch;
        }
        long b = branch.getShape().get(0);
        NDArray keep = branch.getManager()
                .randomUniform(0f, 1f, new Shape(b, 1, 1))
                .gte(p)
                .toType(DataType.FLOAT32, false)
                .div(1f - p);
        return branch.mul(keep);
    }
}
