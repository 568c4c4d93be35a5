package io.dinostream.embedder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;

/** The official {@code Mlp}: {@code fc2(gelu(fc1(x)))} with exact (erf) GELU, no dropout. */
public final class Mlp extends DinoLayer {
    private final Dense fc1;
    private final Dense fc2;

    public Mlp(int dim, int hidden) {
        this.fc1 = child("fc1", new Dense(dim, hidden, true));
        this.fc2 = child("fc2", new Dense(hidden, dim, true));
    }

    @Override
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return fc2.apply(ps, Activation.gelu(fc1.apply(ps, x, training)), training);
    }
}
