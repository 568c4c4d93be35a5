package io.dinostream.embedder.worker;

import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.embedder.EmbedOutcome;
import io.dinostream.embedder.ImageDecodeException;
import io.dinostream.embedder.ImageEmbedder;
import io.dinostream.embedder.image.ImageDecoder;
import io.dinostream.embedder.image.RgbImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * TEST DOUBLE, not a model: embeds an image as the L2-normalised vector (mean red, mean green, mean blue,
 * 1) of its decoded pixels, so results are deterministic and easy to predict. Decoding is the real
 * {@link ImageDecoder}, so corrupt images fail exactly as they would with the real embedder.
 */
final class MeanColourTestEmbedder implements ImageEmbedder {
    static final EmbeddingSpec SPEC = new EmbeddingSpec("test-mean-colour", "1", 4, "cls", "l2");

    private final ImageDecoder decoder = new ImageDecoder();
    /** Sizes of the batches {@link #embed} was called with, in order. */
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    /** When set, {@link #embed} throws it (an engine failure, not a decode failure). */
    volatile RuntimeException failWith;

    volatile boolean closed;

    @Override
    public EmbeddingSpec spec() {
        return SPEC;
    }

    @Override
    public List<EmbedOutcome> embed(List<byte[]> images) {
        batchSizes.add(images.size());
        if (failWith != null) {
            throw failWith;
        }
        List<EmbedOutcome> outcomes = new ArrayList<>(images.size());
        for (byte[] bytes : images) {
            try {
                outcomes.add(EmbedOutcome.success(meanColour(decoder.decode(bytes))));
            } catch (ImageDecodeException e) {
                outcomes.add(EmbedOutcome.failure(e));
            }
        }
        return outcomes;
    }

    /** The vector this double produces for an image. */
    static float[] meanColour(RgbImage image) {
        double[] sum = new double[3];
        for (int i = 0; i < image.rgb().length; i++) {
            sum[i % 3] += image.rgb()[i] & 0xFF;
        }
        double[] v = {sum[0] / image.pixels() / 255, sum[1] / image.pixels() / 255, sum[2] / image.pixels() / 255, 1.0};
        double norm = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2] + v[3] * v[3]);
        float[] out = new float[4];
        for (int i = 0; i < 4; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }

    @Override
    public void close() {
        closed = true;
    }
}
