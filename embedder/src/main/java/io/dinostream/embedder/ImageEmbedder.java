package io.dinostream.embedder;

import io.dinostream.common.wire.EmbeddingSpec;
import java.util.List;

/**
 * Turns encoded images into L2-normalised embeddings with one model. Implementations own native memory
 * (the model's weights) and release it in {@link #close()}. Thread-safe: calls may come from several
 * threads; implementations serialise access to the engine where they must.
 */
public interface ImageEmbedder extends AutoCloseable {
    /** The kind of vectors this embedder produces. */
    EmbeddingSpec spec();

    /**
     * Embeds a batch. Each image is decoded and preprocessed on its own; one that cannot be decoded
     * yields a failed outcome and does not affect the others.
     */
    List<EmbedOutcome> embed(List<byte[]> images);

    /**
     * Embeds one image.
     *
     * @throws ImageDecodeException if the bytes are not a supported, decodable image
     */
    default float[] embedOne(byte[] image) {
        EmbedOutcome outcome = embed(List.of(image)).get(0);
        if (outcome.error() != null) {
            throw outcome.error();
        }
        return outcome.vector();
    }

    @Override
    void close();
}
