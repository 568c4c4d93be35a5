package io.dinostream.api;

import io.dinostream.common.registry.ModelVersion;
import io.dinostream.common.registry.RegistryState;
import io.dinostream.common.registry.WeightStore;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;

/**
 * TEST DOUBLE: the registry's real state transitions without Kafka (the Kafka-backed one is tested in
 * app); registering hashes the given file and records it without loading it as a model.
 */
public final class InMemoryModelAdminDouble implements ModelAdmin {
    private final RegistryState state = new RegistryState();

    @Override
    public synchronized RegistryState read() {
        return state;
    }

    @Override
    public synchronized ModelVersion register(Registration r) throws IOException {
        String digest = WeightStore.sha256(r.weights());
        ModelVersion v = new ModelVersion(
                ModelVersion.idOf(digest),
                r.name() == null ? "unnamed" : r.name(),
                "test architecture",
                digest,
                java.nio.file.Files.size(r.weights()),
                "none",
                "cls, 3 dims, l2-normalised",
                3,
                r.metrics(),
                r.parent() == null ? null : state.require(r.parent()).id(),
                Instant.parse("2026-12-03T10:00:00Z"),
                false,
                Map.of());
        state.apply(state.register(v));
        return v;
    }

    @Override
    public synchronized RegistryState activate(String version, boolean now) {
        state.apply(now ? state.activate(version, Instant.now()) : state.requestActivation(version, Instant.now()));
        return state;
    }

    @Override
    public synchronized RegistryState rollback() {
        state.apply(state.rollback(Instant.now()));
        return state;
    }

    @Override
    public synchronized RegistryState retire(String version) {
        state.apply(state.retire(version));
        return state;
    }
}
