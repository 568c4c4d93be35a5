package io.dinostream.ingest;

import java.util.concurrent.CompletableFuture;

/**
 * Where accepted images go: {@link ImagePublisher} sends them to {@code dinostream.images.v1}. The HTTP
 * ingest routes of the API write through this interface, never straight to an index.
 */
public interface ImageSink {
    /**
     * Validates and sends one image.
     *
     * @return completes once the image is durably acknowledged
     * @throws RejectedImageException if the image is invalid; nothing is sent then
     */
    CompletableFuture<Void> publish(ImageSubmission image) throws RejectedImageException;

    /** Sends a delete of the image with this id; completes once acknowledged. */
    CompletableFuture<Void> delete(String id);
}
