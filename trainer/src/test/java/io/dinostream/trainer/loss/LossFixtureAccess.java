package io.dinostream.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** The loss fixtures for tests of other packages (the masking's inputs are in the same file). */
public final class LossFixtureAccess implements AutoCloseable {
    private final LossFixtures fixtures;

    public LossFixtureAccess(NDManager manager) {
        this.fixtures = new LossFixtures(manager);
    }

    public NDArray input(String name) {
        return fixtures.input(name);
    }

    @Override
    public void close() throws Exception {
        fixtures.close();
    }
}
