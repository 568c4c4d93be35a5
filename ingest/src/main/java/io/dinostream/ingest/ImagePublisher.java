package io.dinostream.ingest;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.KafkaClients;
import io.dinostream.common.wire.Headers;
import io.dinostream.common.wire.ImageFormat;
import io.dinostream.common.wire.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Publishes validated images to {@code dinostream.images.v1} with an idempotent, acks=all producer. An
 * image is acknowledged (its future completes) only once every in-sync replica has it.
 */
public final class ImagePublisher implements ImageSink, AutoCloseable {
    private final Producer<byte[], byte[]> producer;
    private final ImageValidator validator;
    private final Clock clock;

    public ImagePublisher(DinostreamConfig config, Clock clock) {
        this(
                new KafkaProducer<>(KafkaClients.producer(config, "dinostream-ingest")),
                new ImageValidator(config.imageMaxBytes()),
                clock);
    }

    ImagePublisher(Producer<byte[], byte[]> producer, ImageValidator validator, Clock clock) {
        this.producer = producer;
        this.validator = validator;
        this.clock = clock;
    }

    /**
     * Validates and sends one image.
     *
     * @return completes when the broker acknowledged the record
     * @throws RejectedImageException if the image is invalid; nothing is sent then
     */
    @Override
    public CompletableFuture<Void> publish(ImageSubmission image) throws RejectedImageException {
        ImageFormat format = validator.validate(image);
        RecordHeaders headers = new RecordHeaders();
        headers.add(Headers.CONTENT_TYPE, Headers.utf8(format.contentType()));
        headers.add(Headers.SOURCE, Headers.utf8(image.source()));
        headers.add(Headers.INGEST_TIME, Headers.utf8(Long.toString(clock.millis())));
        headers.add(Headers.METADATA, Headers.utf8(image.metadataJson()));
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                Topics.IMAGES, null, image.id().getBytes(StandardCharsets.UTF_8), image.bytes(), headers);
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                acknowledged.completeExceptionally(error);
            } else {
                acknowledged.complete(null);
            }
        });
        return acknowledged;
    }

    /** Sends a delete (a tombstone) for an image id. */
    @Override
    public CompletableFuture<Void> delete(String id) {
        io.dinostream.common.wire.ImageIds.requireValid(id);
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(Topics.IMAGES, id.getBytes(StandardCharsets.UTF_8), null), (m, error) -> {
            if (error != null) {
                acknowledged.completeExceptionally(error);
            } else {
                acknowledged.complete(null);
            }
        });
        return acknowledged;
    }

    /** Waits until every sent image is acknowledged or failed. */
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
