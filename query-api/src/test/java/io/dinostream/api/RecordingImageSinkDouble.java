package io.dinostream.api;

import io.dinostream.ingest.ImageSink;
import io.dinostream.ingest.ImageSubmission;
import io.dinostream.ingest.ImageValidator;
import io.dinostream.ingest.RejectedImageException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A sink that records what it was asked to publish, validating as the real publisher does. Ids starting
 * with {@value #UNAVAILABLE_PREFIX} fail as if Kafka did not acknowledge them.
 */
final class RecordingImageSinkDouble implements ImageSink {
    static final String UNAVAILABLE_PREFIX = "kafka-down";

    final List<ImageSubmission> published = new CopyOnWriteArrayList<>();
    final List<String> deleted = new CopyOnWriteArrayList<>();
    private final ImageValidator validator;

    RecordingImageSinkDouble(int maxBytes) {
        this.validator = new ImageValidator(maxBytes);
    }

    @Override
    public CompletableFuture<Void> publish(ImageSubmission image) throws RejectedImageException {
        validator.validate(image);
        if (image.id().startsWith(UNAVAILABLE_PREFIX)) {
            return CompletableFuture.failedFuture(new IllegalStateException("no broker"));
        }
        published.add(image);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> delete(String id) {
        if (id.startsWith(UNAVAILABLE_PREFIX)) {
            return CompletableFuture.failedFuture(new IllegalStateException("no broker"));
        }
        deleted.add(id);
        return CompletableFuture.completedFuture(null);
    }
}
