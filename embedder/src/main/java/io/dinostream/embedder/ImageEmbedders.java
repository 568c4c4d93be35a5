package io.dinostream.embedder;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.embedder.image.ImageDecoder;
import io.dinostream.embedder.image.Preprocessor;
import io.dinostream.embedder.model.DinoV2Model;
import io.dinostream.embedder.model.Pooling;
import io.dinostream.embedder.model.VisionBackbone;
import io.dinostream.embedder.onnx.OnnxRuntimeBackbone;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.OptionalInt;

/** Builds the configured {@link ImageEmbedder}. */
public final class ImageEmbedders {
    private ImageEmbedders() {}

    /**
     * The embedder for {@code model.*} settings: the weights file if {@code model.weights} is set, else
     * the {@code model.preset} architecture with weights drawn from {@code model.seed}; run by ONNX
     * Runtime or DJL as {@code model.backend} says.
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
                    ? DinoV2Model.forPreset(
                            config.getString(DinostreamConfig.MODEL_PRESET),
                            config.getLong(DinostreamConfig.MODEL_SEED))
                    : DinoV2Model.load(Path.of(weights));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load model weights " + weights + ": " + e.getMessage(), e);
        }
        // 0: the side the model was trained for (no crop), or DINOv2's 224 (resize to 256, centre crop).
        int configured = config.getInt(DinostreamConfig.MODEL_RESOLUTION);
        OptionalInt trained = model.trainedResolution();
        int resolution = configured > 0 ? configured : trained.orElse(Preprocessor.DEFAULT_RESOLUTION);
        Preprocessor preprocessor = configured == 0 && trained.isPresent()
                ? new Preprocessor(resolution, resolution)
                : new Preprocessor(resolution);
        VisionBackbone backbone = model;
        if (config.getString(DinostreamConfig.MODEL_BACKEND).equals("onnxruntime")) {
            // The DJL model is only needed to export the graph; free its weights once ONNX Runtime has them.
            try (DinoV2Model exported = model) {
                backbone = OnnxRuntimeBackbone.create(exported, resolution, resolution, threads);
            }
        }
        return new DinoImageEmbedder(
                backbone,
                new ImageDecoder(),
                preprocessor,
                Pooling.parse(config.getString(DinostreamConfig.MODEL_POOLING)));
    }
}
