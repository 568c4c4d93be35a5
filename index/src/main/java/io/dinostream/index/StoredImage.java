package io.dinostream.index;

/**
 * An image as the index stores it.
 *
 * @param id the image id
 * @param contentType MIME type of {@code bytes}, e.g. {@code image/png}
 * @param bytes the encoded image, or null if only the vector has arrived so far
 * @param metadataJson the metadata JSON object ({@code {}} when none)
 * @param source where the image came from
 * @param ingestTimeMillis when it was published, or 0 if unknown
 * @param vector the embedding, or null if the image is not yet embedded
 */
public record StoredImage(
        String id,
        String contentType,
        byte[] bytes,
        String metadataJson,
        String source,
        long ingestTimeMillis,
        float[] vector) {}
