package io.dinostream.index.streams;

import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.index.store.ImageMeta;
import io.dinostream.index.store.IndexFormat;
import io.dinostream.index.store.IndexStore;
import io.dinostream.index.store.IndexWrites;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * {@link IndexWrites} on one task's Kafka Streams stores, with the keys and values of {@link IndexFormat}
 * (one store per column family). Writes go straight to the stores; Kafka Streams makes them atomic with
 * the input offsets (exactly-once) and changelogs them. Used only on the task's stream thread.
 */
final class StreamsIndexWrites implements IndexWrites {
    private static final Bytes IDS_NEXT = Bytes.wrap(IndexFormat.utf8(IndexFormat.INFO_IDS_NEXT));
    private static final Bytes SPEC = Bytes.wrap(IndexFormat.utf8(IndexFormat.INFO_EMBEDDING_SPEC));

    private final KeyValueStore<Bytes, byte[]> info;
    private final KeyValueStore<Bytes, byte[]> ids;
    private final KeyValueStore<Bytes, byte[]> vectors;
    private final KeyValueStore<Bytes, byte[]> images;
    private final KeyValueStore<Bytes, byte[]> meta;
    private EmbeddingSpec fixedSpec;

    StreamsIndexWrites(
            KeyValueStore<Bytes, byte[]> info,
            KeyValueStore<Bytes, byte[]> ids,
            KeyValueStore<Bytes, byte[]> vectors,
            KeyValueStore<Bytes, byte[]> images,
            KeyValueStore<Bytes, byte[]> meta) {
        this.info = info;
        this.ids = ids;
        this.vectors = vectors;
        this.images = images;
        this.meta = meta;
    }

    private static Bytes key(String imageId) {
        return Bytes.wrap(IndexFormat.utf8(imageId));
    }

    @Override
    public OptionalLong numericId(String imageId) {
        byte[] value = ids.get(Bytes.wrap(IndexFormat.idByNameKey(imageId)));
        return value == null ? OptionalLong.empty() : OptionalLong.of(IndexFormat.readLong(value));
    }

    @Override
    public long assignId(String imageId) {
        OptionalLong existing = numericId(imageId);
        if (existing.isPresent()) {
            return existing.getAsLong();
        }
        byte[] next = info.get(IDS_NEXT);
        long id = next == null ? IndexFormat.FIRST_ID : IndexFormat.readLong(next);
        ids.put(Bytes.wrap(IndexFormat.idByNameKey(imageId)), IndexFormat.longBytes(id));
        ids.put(Bytes.wrap(IndexFormat.nameByIdKey(id)), IndexFormat.utf8(imageId));
        info.put(IDS_NEXT, IndexFormat.longBytes(id + 1));
        return id;
    }

    @Override
    public void releaseId(String imageId) {
        OptionalLong existing = numericId(imageId);
        if (existing.isPresent()) {
            ids.delete(Bytes.wrap(IndexFormat.idByNameKey(imageId)));
            ids.delete(Bytes.wrap(IndexFormat.nameByIdKey(existing.getAsLong())));
        }
    }

    @Override
    public void putVector(String imageId, float[] vector) {
        vectors.put(key(imageId), IndexFormat.encodeVector(vector));
    }

    @Override
    public void deleteVector(String imageId) {
        vectors.delete(key(imageId));
    }

    @Override
    public void putImage(String imageId, String contentType, byte[] bytes) {
        images.put(key(imageId), IndexFormat.encodeImage(contentType, bytes));
    }

    @Override
    public void deleteImage(String imageId) {
        images.delete(key(imageId));
    }

    @Override
    public Optional<ImageMeta> meta(String imageId) {
        byte[] value = meta.get(key(imageId));
        return value == null ? Optional.empty() : Optional.of(IndexStore.decodeMeta(value));
    }

    @Override
    public void putMeta(String imageId, ImageMeta m) {
        meta.put(key(imageId), IndexStore.encodeMeta(m));
    }

    @Override
    public void deleteMeta(String imageId) {
        meta.delete(key(imageId));
    }

    @Override
    public Optional<EmbeddingSpec> embeddingSpec() {
        // Fixed once and never changed: read and decoded once per task, not per record.
        if (fixedSpec == null) {
            byte[] value = info.get(SPEC);
            fixedSpec = value == null ? null : IndexStore.decodeSpec(value);
        }
        return Optional.ofNullable(fixedSpec);
    }

    @Override
    public void fixEmbeddingSpec(EmbeddingSpec spec) {
        if (info.get(SPEC) != null) {
            throw new IllegalStateException("embedding space already fixed");
        }
        info.put(SPEC, IndexStore.encodeSpec(spec));
        fixedSpec = spec;
    }
}
