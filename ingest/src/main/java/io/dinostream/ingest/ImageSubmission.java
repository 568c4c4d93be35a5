package io.dinostream.ingest;

import java.util.Objects;

/**
 * One image to publish.
 *
 * @param id the image id (the record key)
 * @param bytes the encoded image
 * @param source where it came from (a path, a dataset reference)
 * @param metadataJson a JSON object of user metadata, e.g. {@code {"label":3}}
 */
public record ImageSubmission(String id, byte[] bytes, String source, String metadataJson) {
    public ImageSubmission {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(metadataJson, "metadataJson");
    }
}
