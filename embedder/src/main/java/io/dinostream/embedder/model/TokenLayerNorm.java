package io.dinostream.embedder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;

/** {@code nn.LayerNorm(dim, eps)} over the last axis; parameters {@code weight}, {@code bias}. */
public final class TokenLayerNorm extends DinoLayer {
    private final int dim;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;

    public TokenLayerNorm(int dim, float eps) {
        this.dim = dim;
        this.eps = eps;
        this.weight = param("weight", Parameter.Type.GAMMA, new Shape(dim));
        this.bias = param("bias", Parameter.Type.BETA, new Shape(dim));
    }

    @Override
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return LayerNorm.layerNorm(x, new Shape(dim), value(ps, weight, x, training), value(ps, bias, x, training), eps)
                .singletonOrThrow();
    }
}
