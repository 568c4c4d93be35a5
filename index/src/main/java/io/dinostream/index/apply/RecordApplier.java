package io.dinostream.index.apply;

import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.common.wire.Headers;
import io.dinostream.common.wire.ImageFormat;
import io.dinostream.common.wire.ImageIds;
import io.dinostream.common.wire.ImagePayloads;
import io.dinostream.common.wire.Topics;
import io.dinostream.common.wire.VectorCodec;
import io.dinostream.common.wire.WireFormatException;
import io.dinostream.index.store.ImageMeta;
import io.dinostream.index.store.IndexStore;
import io.dinostream.index.store.IndexWrites;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns one Kafka record into writes on a store batch and changes to the vector index. Every check runs
 * before the first write, so a rejected record leaves the batch untouched.
 *
 * <ul>
 *   <li>{@code dinostream.images.v1}, value present: stores the bytes (content type sniffed, else the
 *       header, else {@code application/octet-stream}) and metadata, source and ingest time.
 *   <li>{@code dinostream.images.v1}, null value (tombstone): deletes image, metadata, vector, numeric id
 *       and the FAISS entry.
 *   <li>{@code dinostream.embeddings.v1}, value present: checks the vector against its headers' {@code
 *       EmbeddingSpec} and the store's space (the first vector fixes it), stores it and upserts FAISS;
 *       fills metadata from the carried-over image headers if the image record has not arrived.
 *   <li>{@code dinostream.embeddings.v1}, null value: deletes the vector and the FAISS entry, keeps the
 *       image.
 * </ul>
 */
public final class RecordApplier {
    static final String UNKNOWN_CONTENT_TYPE = "application/octet-stream";

    private final int imageMaxBytes;

    public RecordApplier(int imageMaxBytes) {
        this.imageMaxBytes = imageMaxBytes;
    }

    /** A consumed record: where it came from, its key, value and headers. */
    public record Input(String topic, byte[] key, byte[] value, org.apache.kafka.common.header.Headers headers) {
        public static Input of(ConsumerRecord<byte[], byte[]> record) {
            return new Input(record.topic(), record.key(), record.value(), record.headers());
        }
    }

    /**
     * Applies one record to {@code writes} and records the vector changes in {@code changes}.
     *
     * @throws RejectedRecordException if the record is invalid (then nothing was written)
     */
    public void apply(Input record, IndexWrites batch, FaissChanges changes) throws RejectedRecordException {
        String imageId = imageId(record);
        if (Topics.IMAGES.equals(record.topic())) {
            if (record.value() == null) {
                deleteImage(imageId, batch, changes);
            } else {
                putImage(imageId, record, batch);
            }
        } else if (Topics.isEmbeddings(record.topic())) {
            if (record.value() == null) {
                deleteVector(imageId, batch, changes);
            } else {
                putVector(imageId, record, batch, changes);
            }
        } else {
            throw new IllegalStateException("record from unexpected topic " + record.topic());
        }
    }

    private static String imageId(Input record) throws RejectedRecordException {
        if (record.key() == null) {
            throw new RejectedRecordException("record has no key; the key must be the image id");
        }
        String id = new String(record.key(), StandardCharsets.UTF_8);
        try {
            return ImageIds.requireValid(id);
        } catch (IllegalArgumentException e) {
            throw new RejectedRecordException(e.getMessage(), e);
        }
    }

    private void putImage(String imageId, Input record, IndexWrites batch) throws RejectedRecordException {
        byte[] bytes;
        try {
            bytes = ImagePayloads.bytes(record.value(), record.headers());
        } catch (WireFormatException e) {
            throw new RejectedRecordException(e.getMessage(), e);
        }
        if (bytes.length > imageMaxBytes) {
            throw new RejectedRecordException(
                    "image of " + bytes.length + " bytes exceeds image.max.bytes=" + imageMaxBytes);
        }
        ImageMeta fromHeaders = metaFromHeaders(record);
        String contentType = ImageFormat.sniff(bytes)
                .map(ImageFormat::contentType)
                .or(() -> Headers.lastString(record.headers(), Headers.CONTENT_TYPE))
                .orElse(UNKNOWN_CONTENT_TYPE);
        String space = batch.meta(imageId).map(ImageMeta::space).orElse(null);
        batch.putImage(imageId, contentType, bytes);
        batch.putMeta(imageId, fromHeaders.withSpace(space));
    }

    private static void deleteImage(String imageId, IndexWrites batch, FaissChanges changes) {
        OptionalLong numericId = batch.numericId(imageId);
        numericId.ifPresent(changes::remove);
        batch.releaseId(imageId);
        batch.deleteImage(imageId);
        batch.deleteMeta(imageId);
        batch.deleteVector(imageId);
    }

    private static void putVector(String imageId, Input record, IndexWrites batch, FaissChanges changes)
            throws RejectedRecordException {
        float[] vector;
        EmbeddingSpec spec;
        try {
            vector = VectorCodec.decode(record.value());
            spec = EmbeddingSpec.readFrom(record.headers());
        } catch (WireFormatException e) {
            throw new RejectedRecordException(e.getMessage(), e);
        }
        if (vector.length != spec.dimension()) {
            throw new RejectedRecordException(
                    "vector has " + vector.length + " floats but its headers say dimension " + spec.dimension());
        }
        for (int i = 0; i < vector.length; i++) {
            if (!Float.isFinite(vector[i])) {
                throw new RejectedRecordException("vector component " + i + " is " + vector[i]);
            }
        }
        Optional<EmbeddingSpec> fixed = batch.embeddingSpec();
        if (fixed.isPresent() && !fixed.get().equals(spec)) {
            throw new RejectedRecordException("embedding space " + spec.spaceKey() + " differs from the index's "
                    + fixed.get().spaceKey());
        }
        Optional<ImageMeta> stored = batch.meta(imageId);
        ImageMeta meta = stored.isPresent() ? stored.get() : metaFromHeaders(record);
        if (fixed.isEmpty()) {
            batch.fixEmbeddingSpec(spec);
        }
        long numericId = batch.assignId(imageId);
        batch.putVector(imageId, vector);
        batch.putMeta(imageId, meta.withSpace(spec.spaceKey()));
        changes.upsert(numericId, vector);
    }

    private static void deleteVector(String imageId, IndexWrites batch, FaissChanges changes) {
        batch.numericId(imageId).ifPresent(changes::remove);
        batch.deleteVector(imageId);
        Optional<ImageMeta> meta = batch.meta(imageId);
        if (meta.isPresent()) {
            batch.putMeta(imageId, meta.get().withSpace(null));
        }
    }

    private static ImageMeta metaFromHeaders(Input record) throws RejectedRecordException {
        String metadata = "{}";
        Optional<String> header = Headers.lastString(record.headers(), Headers.METADATA);
        if (header.isPresent()) {
            try {
                metadata = IndexStore.requireJsonObject(header.get());
            } catch (IllegalArgumentException e) {
                throw new RejectedRecordException("header '" + Headers.METADATA + "': " + e.getMessage(), e);
            }
        }
        long ingestTime = 0;
        Optional<String> time = Headers.lastString(record.headers(), Headers.INGEST_TIME);
        if (time.isPresent()) {
            try {
                ingestTime = Long.parseLong(time.get().trim());
            } catch (NumberFormatException e) {
                throw new RejectedRecordException(
                        "header '" + Headers.INGEST_TIME + "' is not a decimal number: " + time.get(), e);
            }
        }
        String source = Headers.lastString(record.headers(), Headers.SOURCE).orElse(null);
        return new ImageMeta(metadata, source, ingestTime, null);
    }
}
