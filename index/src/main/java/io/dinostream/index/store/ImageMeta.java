package io.dinostream.index.store;

import java.util.Objects;

/**
 * What the index keeps about an image besides its bytes and vector (the {@code meta} column family).
 *
 * @param metadataJson the user metadata JSON object, {@code {}} when none
 * @param source where the image came from, or null if unknown
 * @param ingestTimeMillis when it was published, 0 if unknown
 * @param space the {@code EmbeddingSpec.spaceKey()} of its vector, or null before a vector arrived
 */
public record ImageMeta(String metadataJson, String source, long ingestTimeMillis, String space) {
    public static final ImageMeta EMPTY = new ImageMeta("{}", null, 0L, null);

    public ImageMeta {
        Objects.requireNonNull(metadataJson, "metadataJson");
    }

    public ImageMeta withSpace(String newSpace) {
        return new ImageMeta(metadataJson, source, ingestTimeMillis, newSpace);
    }
}
