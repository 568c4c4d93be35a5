package io.dinostream.api;

import io.dinostream.common.registry.ModelVersion;
import io.dinostream.common.registry.RegistryState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The model registry as the admin API sees it (docs/operations.md). Every call blocks on Kafka: the routes
 * run it on the worker pool. Refusals are {@link RegistryState.RegistryException}s.
 */
public interface ModelAdmin {
    /** What to register: a weights file the server can read, and the version's labels. */
    record Registration(Path weights, String name, String parent, Map<String, Double> metrics) {}

    /** The registry as it stands now (read from its topic). */
    RegistryState read() throws IOException;

    /** Registers the weights (stored by content) and returns the version, new or already known. */
    ModelVersion register(Registration registration) throws IOException;

    /** Requests the activation (serving nodes backfill, then flip), or flips at once with {@code now}. */
    RegistryState activate(String version, boolean now) throws IOException;

    RegistryState rollback() throws IOException;

    RegistryState retire(String version) throws IOException;
}
