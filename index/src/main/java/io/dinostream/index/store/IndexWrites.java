package io.dinostream.index.store;

import io.dinostream.common.wire.EmbeddingSpec;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The writes (with read-your-writes) that applying one Kafka record makes to an index shard's durable
 * state, in the layout of {@link IndexFormat}. Implemented by {@link IndexStore.Batch} (the standalone
 * index worker's RocksDB) and by the Kafka Streams stores of the index topology, so that one
 * {@code RecordApplier} decides what every record means for both.
 */
public interface IndexWrites {
    /** The numeric id of an image, as stored or as assigned earlier in this unit of work. */
    OptionalLong numericId(String imageId);

    /** The numeric id of an image, assigning the next free one if it has none. */
    long assignId(String imageId);

    /** Forgets an image's numeric id (both directions); a later record gets a fresh one. */
    void releaseId(String imageId);

    void putVector(String imageId, float[] vector);

    void deleteVector(String imageId);

    void putImage(String imageId, String contentType, byte[] bytes);

    void deleteImage(String imageId);

    /** The metadata of an image as stored or as written earlier in this unit of work. */
    Optional<ImageMeta> meta(String imageId);

    void putMeta(String imageId, ImageMeta meta);

    void deleteMeta(String imageId);

    /** The embedding space, as stored or as fixed earlier in this unit of work. */
    Optional<EmbeddingSpec> embeddingSpec();

    /**
     * Fixes the embedding space.
     *
     * @throws IllegalStateException if it is already fixed
     */
    void fixEmbeddingSpec(EmbeddingSpec spec);
}
