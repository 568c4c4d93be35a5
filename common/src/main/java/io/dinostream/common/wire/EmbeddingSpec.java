package io.dinostream.common.wire;

import java.util.Objects;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * What an embedding is: which model produced it, its length and how it was pooled and normalised. It
 * travels in the headers of every embeddings record so that an index never mixes kinds.
 *
 * @param modelId a stable name of the model, e.g. {@code vit-tiny-demo} or {@code dinov2-vits14}
 * @param modelVersion the version of that model (a weights digest prefix or a registry version)
 * @param dimension the vector length
 * @param pooling {@code cls}, {@code cls+mean-patch} or {@code mean-patch}
 * @param normalisation {@code l2} or {@code none}
 */
public record EmbeddingSpec(String modelId, String modelVersion, int dimension, String pooling, String normalisation) {
    public EmbeddingSpec {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(modelVersion, "modelVersion");
        Objects.requireNonNull(pooling, "pooling");
        Objects.requireNonNull(normalisation, "normalisation");
        if (dimension <= 0) {
            throw new IllegalArgumentException("dimension must be positive, got " + dimension);
        }
    }

    /** Adds this spec's headers. */
    public void writeTo(org.apache.kafka.common.header.Headers headers) {
        headers.add(Headers.MODEL_ID, Headers.utf8(modelId));
        headers.add(Headers.MODEL_VERSION, Headers.utf8(modelVersion));
        headers.add(Headers.DIMENSION, Headers.utf8(Integer.toString(dimension)));
        headers.add(Headers.POOLING, Headers.utf8(pooling));
        headers.add(Headers.NORMALISATION, Headers.utf8(normalisation));
    }

    /**
     * Reads a spec from record headers.
     *
     * @throws WireFormatException if a header is missing or malformed
     */
    public static EmbeddingSpec readFrom(org.apache.kafka.common.header.Headers headers) {
        String dimension = require(headers, Headers.DIMENSION);
        try {
            return new EmbeddingSpec(
                    require(headers, Headers.MODEL_ID),
                    require(headers, Headers.MODEL_VERSION),
                    Integer.parseInt(dimension),
                    require(headers, Headers.POOLING),
                    require(headers, Headers.NORMALISATION));
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("malformed embedding headers: " + e.getMessage());
        }
    }

    /** The spec as headers of a fresh header set. */
    public RecordHeaders toHeaders() {
        RecordHeaders headers = new RecordHeaders();
        writeTo(headers);
        return headers;
    }

    /** A short key identifying the vector space: vectors with different keys must never be compared. */
    public String spaceKey() {
        return modelId + "@" + modelVersion + "/" + pooling + "/" + normalisation + "/" + dimension;
    }

    private static String require(org.apache.kafka.common.header.Headers headers, String name) {
        return Headers.lastString(headers, name)
                .orElseThrow(() -> new WireFormatException("missing header '" + name + "'"));
    }
}
