package io.dinostream.embedder;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.embedder.image.ImageDecoder;
import io.dinostream.embedder.image.Preprocessor;
import io.dinostream.embedder.model.DinoV2Model;
import io.dinostream.embedder.model.Pooling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Builds the configured {@link ImageEmbedder}. */
public final class ImageEmbedders {
    private ImageEmbedders() {}

    /**
     * The embedder for {@code model.*} settings: the weights file if {@code model.weights} is set, else
     * the {@code model.preset} architecture with weights drawn from {@code model.seed}.
     */
    public static ImageEmbedder fromConfig(DinostreamConfig config) {
        int threads = config.getInt(DinostreamConfig.MODEL_THREADS);
        if (threads > 0 && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
        String weights = config.getString(DinostreamConfig.MODEL_WEIGHTS);
        DinoV2Model model;
        try {
            model = weights.isBlank()
                    ? DinoV2Model.random(
                            config.getString(DinostreamConfig.MODEL_PRESET),
                            config.getLong(DinostreamConfig.MODEL_SEED))
                    : DinoV2Model.load(Path.of(weights));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load model weights " + weights + ": " + e.getMessage(), e);
        }
        return new DinoImageEmbedder(
                model,
                new ImageDecoder(),
                new Preprocessor(config.getInt(DinostreamConfig.MODEL_RESOLUTION)),
                Pooling.parse(config.getString(DinostreamConfig.MODEL_POOLING)));
    }
}
