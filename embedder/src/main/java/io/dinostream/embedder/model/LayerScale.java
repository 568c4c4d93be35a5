package io.dinostream.embedder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/** The official {@code LayerScale}: {@code x * gamma} with a learned per-channel {@code gamma}. */
public final class LayerScale extends DinoLayer {
    private final Parameter gamma;

    public LayerScale(int dim) {
        this.gamma = param("gamma", Parameter.Type.OTHER, new Shape(dim));
    }

    @Override
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return x.mul(value(ps, gamma, x, training));
    }
}
