package io.dinostream.embedder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;

/** {@code nn.Linear}: {@code y = x Wᵀ + b} over the last axis; weight {@code (out, in)}, bias {@code (out)}. */
public final class Dense extends DinoLayer {
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;

    public Dense(int inFeatures, int outFeatures, boolean bias) {
        this.outFeatures = outFeatures;
        this.weight = param("weight", Parameter.Type.WEIGHT, new Shape(outFeatures, inFeatures));
        this.bias = bias ? param("bias", Parameter.Type.BIAS, new Shape(outFeatures)) : null;
    }

    @Override
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray w = value(ps, weight, x, training);
        NDArray b = bias == null ? null : value(ps, bias, x, training);
        return Linear.linear(x, w, b).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {in.slice(0, in.dimension() - 1).add(outFeatures)};
    }
}
