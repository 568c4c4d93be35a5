package io.dinostream.app.registry;

import io.dinostream.api.ModelAdmin;
import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.registry.ModelRegistry;
import io.dinostream.common.registry.ModelVersion;
import io.dinostream.common.registry.RegistryState;
import io.dinostream.embedder.model.LoadOptions;
import java.io.IOException;

/** The admin API's registry: each call reads the registry topic afresh, so every instance agrees. */
public final class KafkaModelAdmin implements ModelAdmin {
    private final DinostreamConfig config;

    public KafkaModelAdmin(DinostreamConfig config) {
        this.config = config;
    }

    @Override
    public RegistryState read() throws IOException {
        return ModelRegistry.open(config).state();
    }

    @Override
    public ModelVersion register(Registration r) throws IOException {
        return VersionRegistration.register(
                        config, r.weights(), r.name(), r.parent(), r.metrics(), LoadOptions.defaults())
                .version();
    }

    @Override
    public RegistryState activate(String version, boolean now) throws IOException {
        ModelRegistry registry = ModelRegistry.open(config);
        if (now) {
            registry.activate(version);
        } else {
            registry.requestActivation(version);
        }
        return registry.state();
    }

    @Override
    public RegistryState rollback() throws IOException {
        ModelRegistry registry = ModelRegistry.open(config);
        registry.rollback();
        return registry.state();
    }

    @Override
    public RegistryState retire(String version) throws IOException {
        ModelRegistry registry = ModelRegistry.open(config);
        registry.retire(version);
        return registry.state();
    }
}
