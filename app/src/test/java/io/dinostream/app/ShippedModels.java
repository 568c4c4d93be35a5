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
}
