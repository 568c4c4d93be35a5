package io.dinostream.app;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The models dinostream ships, as files: the weights users would register or pass with --model-weights. */
final class ShippedModels {
    static final String TINY = "fmnist-vit-tiny.safetensors";
    static final String MICRO = "fmnist-vit-micro.safetensors";

    private ShippedModels() {}

    /** Copies a shipped model's weights into {@code dir}. */
    static Path extract(Path dir, String name) throws Exception {
        Path file = dir.resolve(name);
        try (InputStream in = ShippedModels.class.getResourceAsStream("/io/dinostream/embedder/models/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no shipped model " + name);
            }
            Files.copy(in, file);
        }
        return file;
    }

    /** Both shipped models as files, with their registry versions (the first 12 hex digits of the digest). */
    record Both(Path tiny, Path micro, String tinyVersion, String microVersion) {}

    /** Copies both shipped models into {@code dir}. */
    static Both both(Path dir) throws Exception {
        Path tiny = extract(dir, TINY);
        Path micro = extract(dir, MICRO);
        return new Both(
                tiny,
                micro,
                io.dinostream.common.registry.WeightStore.sha256(tiny).substring(0, 12),
                io.dinostream.common.registry.WeightStore.sha256(micro).substring(0, 12));
    }
}
