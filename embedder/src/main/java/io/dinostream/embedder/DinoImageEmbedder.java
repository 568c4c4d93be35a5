package io.dinostream.embedder;

import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.embedder.image.ImageDecoder;
import io.dinostream.embedder.image.Preprocessor;
import io.dinostream.embedder.image.RgbImage;
import io.dinostream.embedder.model.Pooling;
import io.dinostream.embedder.model.VisionBackbone;
import java.util.ArrayList;
import java.util.List;

/**
 * The DINOv2 image embedder: decode (per image, so one bad image fails alone), preprocess as DINOv2's
 * evaluation transform, one batched forward pass, pool, L2-normalise. Owns the model and closes it.
 * Thread-safe: decoding and preprocessing run on the caller's thread; the model serialises forward passes.
 */
public final class DinoImageEmbedder implements ImageEmbedder {
    private final VisionBackbone model;
    private final ImageDecoder decoder;
    private final Preprocessor preprocessor;
    private final Pooling pooling;
    private final EmbeddingSpec spec;

    public DinoImageEmbedder(VisionBackbone model, ImageDecoder decoder, Preprocessor preprocessor, Pooling pooling) {
        this.model = model;
        this.decoder = decoder;
        this.preprocessor = preprocessor;
        this.pooling = pooling;
        this.spec =
                new EmbeddingSpec(model.modelId(), model.version(), model.outputDim(pooling), pooling.wireName(), "l2");
    }

    @Override
    public EmbeddingSpec spec() {
        return spec;
    }

    @Override
    public List<EmbedOutcome> embed(List<byte[]> images) {
        int tensorSize = preprocessor.tensorSize();
        float[] batch = new float[images.size() * tensorSize];
        List<Integer> decodedSlots = new ArrayList<>();
        EmbedOutcome[] outcomes = new EmbedOutcome[images.size()];
        for (int i = 0; i < images.size(); i++) {
            try {
                RgbImage image = decoder.decode(images.get(i));
                preprocessor.preprocessInto(image, batch, decodedSlots.size() * tensorSize);
                decodedSlots.add(i);
            } catch (ImageDecodeException e) {
                outcomes[i] = EmbedOutcome.failure(e);
            }
        }
        if (!decodedSlots.isEmpty()) {
            float[] pixels = decodedSlots.size() == images.size()
                    ? batch
                    : java.util.Arrays.copyOf(batch, decodedSlots.size() * tensorSize);
            int side = preprocessor.resolution();
            float[][] vectors = model.embed(pixels, decodedSlots.size(), side, side, pooling);
            for (int j = 0; j < decodedSlots.size(); j++) {
                outcomes[decodedSlots.get(j)] = EmbedOutcome.success(vectors[j]);
            }
        }
        return List.of(outcomes);
    }

    @Override
    public void close() {
        model.close();
    }
}
