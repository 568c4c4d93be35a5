package io.dinostream.app.registry;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.registry.ModelRegistry;
import io.dinostream.common.registry.ModelVersion;
import io.dinostream.common.registry.WeightStore;
import io.dinostream.embedder.model.DinoV2Model;
import io.dinostream.embedder.model.LoadOptions;
import io.dinostream.embedder.model.Pooling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * Registers a weights file: loads it as a DINOv2 model (so that only loadable weights are registered, and
 * to record its architecture, embedding and preprocessing), stores it by content, writes the version.
 */
public final class VersionRegistration {
    private VersionRegistration() {}

    /** What happened: the version, and whether it was registered before. */
    public record Outcome(ModelVersion version, boolean alreadyRegistered, Path storedAt) {}

    /**
     * @throws IllegalArgumentException if the file is missing or does not load as a DINOv2 model
     */
    public static Outcome register(
            DinostreamConfig config,
            Path weights,
            String name,
            String parent,
            Map<String, Double> metrics,
            LoadOptions loadOptions)
            throws IOException {
        return register(config, weights, name, parent, metrics, Map.of(), loadOptions);
    }

    /** {@link #register(DinostreamConfig, Path, String, String, Map, LoadOptions)} with reports kept with it. */
    public static Outcome register(
            DinostreamConfig config,
            Path weights,
            String name,
            String parent,
            Map<String, Double> metrics,
            Map<String, String> reports,
            LoadOptions loadOptions)
            throws IOException {
        if (!Files.isRegularFile(weights)) {
            throw new IllegalArgumentException("no such weights file: " + weights);
        }
        Pooling pooling = Pooling.parse(config.getString(DinostreamConfig.MODEL_POOLING));
        String architecture;
        String preprocessing;
        int dimension;
        try (DinoV2Model model = DinoV2Model.load(weights, loadOptions)) {
            architecture = model.config().summary();
            dimension = model.outputDim(pooling);
            preprocessing = preprocessing(config.getInt(DinostreamConfig.MODEL_RESOLUTION), model);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "cannot register " + weights + ": it does not load as a DINOv2 model (" + e.getMessage() + ")", e);
        }
        WeightStore store = new WeightStore(config.modelStoreDir());
        String digest = store.put(weights);
        ModelRegistry registry = ModelRegistry.open(config);
        String id = ModelVersion.idOf(digest);
        boolean known = registry.state().version(id).isPresent();
        ModelVersion version = new ModelVersion(
                id,
                name != null ? name : weights.getFileName().toString().replaceFirst("\\.safetensors$", ""),
                architecture,
                digest,
                Files.size(weights),
                preprocessing,
                pooling.wireName() + ", " + dimension + " dims, l2-normalised",
                dimension,
                metrics,
                parent == null ? null : registry.state().require(parent).id(),
                Instant.now(),
                false,
                reports);
        registry.register(version);
        return new Outcome(registry.state().version(id).orElseThrow(), known, store.path(digest));
    }

    /** The evaluation transform the embedder applies to this model, as the configuration resolves it. */
    private static String preprocessing(int configuredResolution, DinoV2Model model) {
        if (configuredResolution > 0) {
            return "shorter side to " + configuredResolution * 256 / 224 + " (bicubic, antialiased), centre crop "
                    + configuredResolution + ", ImageNet mean/std";
        }
        if (model.trainedResolution().isPresent()) {
            return "whole image resized to " + model.trainedResolution().getAsInt() + " px, ImageNet mean/std";
        }
        return "shorter side to 256 (bicubic, antialiased), centre crop 224, ImageNet mean/std";
    }
}
