package io.dinostream.embedder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.embedder.image.ImageDecoder;
import io.dinostream.embedder.image.Preprocessor;
import io.dinostream.embedder.image.RgbImage;
import io.dinostream.embedder.model.DinoV2Config;
import io.dinostream.embedder.model.DinoV2Model;
import io.dinostream.embedder.model.DinoV2Weights;
import io.dinostream.embedder.model.Pooling;
import io.dinostream.embedder.model.SafeTensors;
import io.dinostream.embedder.model.WeightInit;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageEmbeddersTest {
    /**
     * A weights file that records the side it was trained for is fed whole images of that side (resize to
     * it, no crop): a 28x28 image reaches the model unchanged, so the embedder's vector equals the model's
     * on the image's own normalised pixels.
     */
    @Test
    void trainedResolutionMeansWholeImagesOfThatSide(@TempDir Path dir) throws Exception {
        DinoV2Config config = DinoV2Config.preset("fmnist-vit-tiny");
        Path weights = dir.resolve("m.safetensors");
        DinoV2Weights.write(
                weights,
                config,
                WeightInit.random(config, 3, WeightInit.Scheme.RANDOM_FEATURES),
                DinoV2Weights.Naming.OFFICIAL,
                SafeTensors.DType.F32,
                Map.of(DinoV2Weights.META_RESOLUTION, "28"));
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(4);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                image.setRGB(x, y, random.nextInt(0xFFFFFF));
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        DinostreamConfig settings = new DinostreamConfig(
                Map.of(DinostreamConfig.MODEL_WEIGHTS, weights.toString(), DinostreamConfig.MODEL_BACKEND, "djl"));
        float[] fromEmbedder;
        try (ImageEmbedder embedder = ImageEmbedders.fromConfig(settings)) {
            EmbedOutcome outcome = embedder.embed(List.of(png.toByteArray())).get(0);
            assertEquals(null, outcome.error());
            fromEmbedder = outcome.vector();
        }
        try (DinoV2Model model = DinoV2Model.load(weights)) {
            assertEquals(28, model.trainedResolution().getAsInt());
            RgbImage rgb = new ImageDecoder().decode(png.toByteArray());
            float[] pixels = new float[3 * 28 * 28];
            new Preprocessor(28, 28).preprocessInto(rgb, pixels, 0);
            float[] direct = model.embed(pixels, 1, 28, 28, Pooling.CLS)[0];
            assertArrayEquals(direct, fromEmbedder, 1e-5f);
            // The default DINOv2 transform (resize to 32, crop 28) gives another vector: the setting matters.
            float[] cropped = new float[3 * 28 * 28];
            new Preprocessor(28).preprocessInto(rgb, cropped, 0);
            float[] other = model.embed(cropped, 1, 28, 28, Pooling.CLS)[0];
            assertFalse(java.util.Arrays.equals(direct, other));
        }
    }

    /** The default model is fmnist-vit-tiny with its bundled trained weights (not random ones). */
    @Test
    void defaultModelIsTheBundledFashionMnistViT() throws Exception {
        try (DinoV2Model model = DinoV2Model.forPreset(DinoV2Config.FMNIST_PRESET, 42)) {
            assertEquals("fmnist-vit-tiny", model.modelId());
            assertFalse(model.version().startsWith("random-"), model.version());
            assertEquals(96, model.embedDim());
            assertEquals(28, model.trainedResolution().getAsInt());
        }
        try (ImageEmbedder embedder = ImageEmbedders.fromConfig(new DinostreamConfig(Map.of()))) {
            assertEquals("fmnist-vit-tiny", embedder.spec().modelId());
            assertEquals(96, embedder.spec().dimension());
            assertTrue(embedder.spec().modelVersion().length() > 0);
        }
        // Its distilled student ships too: --model-preset fmnist-vit-micro.
        try (DinoV2Model model = DinoV2Model.forPreset(DinoV2Config.FMNIST_MICRO_PRESET, 42)) {
            assertFalse(model.version().startsWith("random-"), model.version());
            assertEquals(48, model.embedDim());
            assertEquals(28, model.trainedResolution().getAsInt());
        }
    }
}
