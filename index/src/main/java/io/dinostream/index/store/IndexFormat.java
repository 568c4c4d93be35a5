package io.dinostream.index.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The on-disk layout of the index's RocksDB store, format version {@value #VERSION}. Documented field by
 * field here and in {@code index/README.md}; a change of layout means a new version number and a
 * migration (or a rebuild from Kafka), never an in-place edit.
 *
 * <p>Column families (besides RocksDB's unused {@code default}):
 *
 * <dl>
 *   <dt>{@code info}
 *   <dd>key: UTF-8 name; value per name: {@code format.version} = UTF-8 decimal; {@code
 *       embedding.spec} = JSON object {@code {modelId, modelVersion, dimension, pooling,
 *       normalisation}} fixed by the first vector; {@code ids.next} = 8-byte big-endian next numeric id.
 *   <dt>{@code ids}
 *   <dd>two maps in one family, told apart by the first key byte: {@code 0x01} + UTF-8 image id &rarr;
 *       8-byte big-endian numeric id; {@code 0x02} + 8-byte big-endian numeric id &rarr; UTF-8 image id.
 *       Numeric ids are assigned from {@code ids.next}, start at 1, are never reused and are the ids
 *       FAISS stores.
 *   <dt>{@code vectors}
 *   <dd>key: UTF-8 image id; value: the embedding as consecutive little-endian float32 (the wire format
 *       of {@code dinostream.embeddings.v1}).
 *   <dt>{@code images}
 *   <dd>key: UTF-8 image id; value: 2-byte big-endian length {@code L}, {@code L} bytes UTF-8 content
 *       type, then the encoded image bytes.
 *   <dt>{@code meta}
 *   <dd>key: UTF-8 image id; value: UTF-8 JSON object {@code {metadata: object, source: string|null,
 *       ingestTimeMillis: number, space: string|null}} where {@code space} is the embedding's {@code
 *       EmbeddingSpec.spaceKey()} once a vector has arrived.
 *   <dt>{@code offsets}
 *   <dd>key: UTF-8 {@code topic + ":" + partition}; value: 8-byte big-endian offset of the next record to
 *       apply. Written in the same atomic batch as the records they cover: the store, not the consumer
 *       group, is the truth about what has been applied.
 *   <dt>{@code changes} (since version 2)
 *   <dd>key: 8-byte big-endian sequence number (from {@code info/changes.next}); value: 8-byte
 *       big-endian numeric id whose vector was added, replaced or removed. Written in the batch that
 *       changed it; entries older than the newest snapshot are deleted when it is committed.
 *   <dt>{@code snapshots} (since version 2)
 *   <dd>{@code 0x01} + 8-byte big-endian snapshot number &rarr; UTF-8 JSON manifest {@code {number,
 *       factory, dimension, vectors, bytes, chunks, changesCovered, offsets: {"topic:partition": next},
 *       createdMillis}}; {@code 0x02} + 8-byte number + 4-byte big-endian chunk index &rarr; up to
 *       {@value #SNAPSHOT_CHUNK_BYTES} bytes of the snapshot (a {@code VectorIndex.writeSnapshot}
 *       stream). A snapshot exists once its manifest does; chunks without a manifest are debris of an
 *       interrupted snapshot and are deleted at open. Only the newest snapshot is kept.
 * </dl>
 *
 * <p>Version history: 1 had no {@code changes} or {@code snapshots}; a version-1 store is upgraded in
 * place at open (the new families start empty, so the first start rebuilds FAISS from the vectors).
 */
public final class IndexFormat {
    /** The current format version. */
    public static final int VERSION = 2;

    /** The versions this build opens; older ones are upgraded in place. */
    static final int OLDEST_READABLE_VERSION = 1;

    /** Largest value of one snapshot chunk. */
    public static final int SNAPSHOT_CHUNK_BYTES = 4 << 20;

    public static final String CF_INFO = "info";
    public static final String CF_IDS = "ids";
    public static final String CF_VECTORS = "vectors";
    public static final String CF_IMAGES = "images";
    public static final String CF_META = "meta";
    public static final String CF_OFFSETS = "offsets";
    public static final String CF_CHANGES = "changes";
    public static final String CF_SNAPSHOTS = "snapshots";

    /** Every column family of the format, in the order they are opened (after {@code default}). */
    public static final List<String> COLUMN_FAMILIES =
            List.of(CF_INFO, CF_IDS, CF_VECTORS, CF_IMAGES, CF_META, CF_OFFSETS, CF_CHANGES, CF_SNAPSHOTS);

    public static final String INFO_FORMAT_VERSION = "format.version";
    public static final String INFO_EMBEDDING_SPEC = "embedding.spec";
    public static final String INFO_IDS_NEXT = "ids.next";
    public static final String INFO_CHANGES_NEXT = "changes.next";

    /** The first numeric id handed out. */
    public static final long FIRST_ID = 1L;

    static final byte ID_BY_NAME = 0x01;
    static final byte NAME_BY_ID = 0x02;
    static final byte SNAPSHOT_MANIFEST = 0x01;
    static final byte SNAPSHOT_CHUNK = 0x02;

    private IndexFormat() {}

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public static byte[] longBytes(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    public static long readLong(byte[] bytes) {
        if (bytes.length != Long.BYTES) {
            throw new CorruptStoreException("expected an 8-byte value, got " + bytes.length + " bytes");
        }
        return ByteBuffer.wrap(bytes).getLong();
    }

    public static byte[] idByNameKey(String imageId) {
        byte[] name = utf8(imageId);
        byte[] key = new byte[name.length + 1];
        key[0] = ID_BY_NAME;
        System.arraycopy(name, 0, key, 1, name.length);
        return key;
    }

    public static byte[] nameByIdKey(long id) {
        return ByteBuffer.allocate(1 + Long.BYTES).put(NAME_BY_ID).putLong(id).array();
    }

    static byte[] manifestKey(long number) {
        return ByteBuffer.allocate(1 + Long.BYTES)
                .put(SNAPSHOT_MANIFEST)
                .putLong(number)
                .array();
    }

    static byte[] chunkKey(long number, int chunk) {
        return ByteBuffer.allocate(1 + Long.BYTES + Integer.BYTES)
                .put(SNAPSHOT_CHUNK)
                .putLong(number)
                .putInt(chunk)
                .array();
    }

    static byte[] offsetKey(String topic, int partition) {
        return utf8(topic + ":" + partition);
    }

    public static byte[] encodeImage(String contentType, byte[] bytes) {
        byte[] type = utf8(contentType);
        if (type.length > 0xFFFF) {
            throw new IllegalArgumentException("content type longer than 65535 bytes");
        }
        return ByteBuffer.allocate(2 + type.length + bytes.length)
                .putShort((short) type.length)
                .put(type)
                .put(bytes)
                .array();
    }

    public static StoredBlob decodeImage(byte[] value) {
        if (value.length < 2) {
            throw new CorruptStoreException("image value shorter than its 2-byte header");
        }
        ByteBuffer buffer = ByteBuffer.wrap(value);
        int typeLength = Short.toUnsignedInt(buffer.getShort());
        if (value.length < 2 + typeLength) {
            throw new CorruptStoreException("image value shorter than its content type");
        }
        String type = new String(value, 2, typeLength, StandardCharsets.UTF_8);
        byte[] bytes = new byte[value.length - 2 - typeLength];
        System.arraycopy(value, 2 + typeLength, bytes, 0, bytes.length);
        return new StoredBlob(type, bytes);
    }

    public static byte[] encodeVector(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return buffer.array();
    }

    public static float[] decodeVector(byte[] bytes) {
        if (bytes.length % Float.BYTES != 0) {
            throw new CorruptStoreException("vector value of " + bytes.length + " bytes is not float32s");
        }
        float[] vector = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return vector;
    }

    /** An image's content type and bytes as stored. */
    public record StoredBlob(String contentType, byte[] bytes) {}
}
