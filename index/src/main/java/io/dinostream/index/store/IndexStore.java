package io.dinostream.index.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.index.StoredImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;

/**
 * The index's durable state in one RocksDB database, laid out as {@link IndexFormat} describes: vectors,
 * image bytes, metadata, the image-id to numeric-id map, the embedding space and the Kafka offsets that
 * the state covers.
 *
 * <p>Reads are thread-safe. Writes go through one {@link Batch} at a time (the index worker's thread),
 * which is applied atomically with the write-ahead log on.
 *
 * <p>Owns every RocksDB handle it creates (options, column family handles, the database); {@link
 * #close()} releases them in reverse order of creation and is idempotent.
 */
public final class IndexStore implements AutoCloseable {
    static {
        RocksDB.loadLibrary();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final List<ColumnFamilyHandle> handles;
    private final RocksDB db;
    private final WriteOptions writeOptions;
    private final ReadOptions readOptions;
    private final ColumnFamilyHandle info;
    private final ColumnFamilyHandle ids;
    private final ColumnFamilyHandle vectors;
    private final ColumnFamilyHandle images;
    private final ColumnFamilyHandle meta;
    private final ColumnFamilyHandle offsets;
    private final ColumnFamilyHandle changes;
    private final ColumnFamilyHandle snapshots;

    // Written only by the single writer inside Batch.write(); read by any thread.
    private volatile long nextId;
    private volatile long nextChange;
    private volatile EmbeddingSpec spec;
    private boolean batchOpen;
    private boolean closed;

    private IndexStore(Path directory) throws RocksDBException {
        this.directory = directory;
        List<AutoCloseable> created = new ArrayList<>();
        try {
            dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
            created.add(dbOptions);
            cfOptions = new ColumnFamilyOptions();
            created.add(cfOptions);
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
            for (String name : IndexFormat.COLUMN_FAMILIES) {
                descriptors.add(new ColumnFamilyDescriptor(IndexFormat.utf8(name), cfOptions));
            }
            handles = new ArrayList<>();
            db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
            // The database closes after its handles: register it first so that reverse order works.
            created.add(db);
            created.addAll(handles);
            writeOptions = new WriteOptions().setDisableWAL(false);
            created.add(writeOptions);
            readOptions = new ReadOptions();
            created.add(readOptions);
        } catch (RocksDBException | RuntimeException e) {
            closeAll(created, e);
            throw e;
        }
        info = handles.get(1);
        ids = handles.get(2);
        vectors = handles.get(3);
        images = handles.get(4);
        meta = handles.get(5);
        offsets = handles.get(6);
        changes = handles.get(7);
        snapshots = handles.get(8);
    }

    /**
     * Opens (creating if needed) the store in {@code directory}.
     *
     * @throws IndexStoreException if RocksDB cannot open it or it holds another format version
     */
    public static IndexStore open(Path directory) {
        IndexStore store;
        try {
            Files.createDirectories(directory);
            store = new IndexStore(directory);
        } catch (IOException | RocksDBException e) {
            throw new IndexStoreException("cannot open index store in " + directory, e);
        }
        try {
            store.initialise();
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private void initialise() {
        byte[] version = get(info, IndexFormat.utf8(IndexFormat.INFO_FORMAT_VERSION));
        int found = version == null ? IndexFormat.VERSION : parseVersion(version);
        if (found < IndexFormat.OLDEST_READABLE_VERSION || found > IndexFormat.VERSION) {
            throw new IndexStoreException(
                    "index store in " + directory + " has format version " + found + ", this build reads versions "
                            + IndexFormat.OLDEST_READABLE_VERSION + " to " + IndexFormat.VERSION
                            + "; delete the directory to rebuild it from Kafka",
                    null);
        }
        if (version == null || found != IndexFormat.VERSION) {
            // Version 1 lacks only the (empty) changes and snapshots families, which open created.
            put(info, IndexFormat.INFO_FORMAT_VERSION, IndexFormat.utf8(Integer.toString(IndexFormat.VERSION)));
        }
        byte[] next = get(info, IndexFormat.utf8(IndexFormat.INFO_IDS_NEXT));
        nextId = next == null ? IndexFormat.FIRST_ID : IndexFormat.readLong(next);
        byte[] change = get(info, IndexFormat.utf8(IndexFormat.INFO_CHANGES_NEXT));
        nextChange = change == null ? 0L : IndexFormat.readLong(change);
        deleteUncommittedSnapshotChunks();
        byte[] specJson = get(info, IndexFormat.utf8(IndexFormat.INFO_EMBEDDING_SPEC));
        spec = specJson == null ? null : decodeSpec(specJson);
    }

    private int parseVersion(byte[] version) {
        try {
            return Integer.parseInt(IndexFormat.utf8(version));
        } catch (NumberFormatException e) {
            throw new CorruptStoreException("format version '" + IndexFormat.utf8(version) + "' is not a number");
        }
    }

    /** The directory the store lives in. */
    public Path directory() {
        return directory;
    }

    /** The embedding space fixed by the first vector, if any vector has been stored. */
    public Optional<EmbeddingSpec> embeddingSpec() {
        return Optional.ofNullable(spec);
    }

    /** The numeric (FAISS) id of an image, if it has one. */
    public OptionalLong numericId(String imageId) {
        byte[] value = get(ids, IndexFormat.idByNameKey(imageId));
        return value == null ? OptionalLong.empty() : OptionalLong.of(IndexFormat.readLong(value));
    }

    /** The image id of a numeric id, if assigned. */
    public Optional<String> imageId(long numericId) {
        byte[] value = get(ids, IndexFormat.nameByIdKey(numericId));
        return value == null ? Optional.empty() : Optional.of(IndexFormat.utf8(value));
    }

    /** The stored vector of an image. */
    public Optional<float[]> vector(String imageId) {
        byte[] value = get(vectors, IndexFormat.utf8(imageId));
        return value == null ? Optional.empty() : Optional.of(IndexFormat.decodeVector(value));
    }

    /** The metadata of an image, if any record about it has been stored. */
    public Optional<ImageMeta> meta(String imageId) {
        byte[] value = get(meta, IndexFormat.utf8(imageId));
        return value == null ? Optional.empty() : Optional.of(decodeMeta(value));
    }

    /**
     * Everything stored about an image: bytes, metadata and vector, each possibly absent (an image whose
     * embedding has not arrived yet, or the reverse). Empty when nothing is stored.
     */
    public Optional<StoredImage> get(String imageId) {
        byte[] key = IndexFormat.utf8(imageId);
        byte[] image = get(images, key);
        byte[] metaValue = get(meta, key);
        byte[] vector = get(vectors, key);
        return storedImage(imageId, image, metaValue, vector);
    }

    /** The offset of the next record to apply from a topic partition, if any record of it was applied. */
    public OptionalLong nextOffset(String topic, int partition) {
        byte[] value = get(offsets, IndexFormat.offsetKey(topic, partition));
        return value == null ? OptionalLong.empty() : OptionalLong.of(IndexFormat.readLong(value));
    }

    /** Every partition's next offset to apply, keyed {@code topic:partition}. */
    public Map<String, Long> offsets() {
        checkOpen();
        Map<String, Long> all = new TreeMap<>();
        try (RocksIterator it = db.newIterator(offsets, readOptions)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                all.put(IndexFormat.utf8(it.key()), IndexFormat.readLong(it.value()));
            }
            it.status();
        } catch (RocksDBException e) {
            throw new IndexStoreException("cannot scan offsets in " + directory, e);
        }
        return all;
    }

    /** The sequence number the next logged vector change gets; every change before it is logged. */
    public long nextChange() {
        return nextChange;
    }

    /**
     * Calls {@code consumer} with the numeric id of every logged vector change from sequence number
     * {@code from} on, in order (an id may come several times). Changes older than the newest snapshot
     * are gone.
     */
    public void forEachChangeSince(long from, LongConsumer consumer) {
        checkOpen();
        try (RocksIterator it = db.newIterator(changes, readOptions)) {
            for (it.seek(IndexFormat.longBytes(from)); it.isValid(); it.next()) {
                consumer.accept(IndexFormat.readLong(it.value()));
            }
            it.status();
        } catch (RocksDBException e) {
            throw new IndexStoreException("cannot scan changes in " + directory, e);
        }
    }

    /** The newest committed snapshot of the FAISS index, if any. */
    public Optional<SnapshotManifest> latestSnapshot() {
        checkOpen();
        try (RocksIterator it = db.newIterator(snapshots, readOptions)) {
            it.seekForPrev(IndexFormat.manifestKey(Long.MAX_VALUE));
            if (it.isValid() && it.key()[0] == IndexFormat.SNAPSHOT_MANIFEST) {
                return Optional.of(SnapshotManifest.fromJson(it.value()));
            }
            it.status();
            return Optional.empty();
        } catch (RocksDBException e) {
            throw new IndexStoreException("cannot read snapshots in " + directory, e);
        }
    }

    /** Reads a committed snapshot's stream, chunk by chunk. */
    public InputStream openSnapshot(SnapshotManifest manifest) {
        checkOpen();
        return new SnapshotInput(manifest);
    }

    /**
     * Starts writing a snapshot; {@link SnapshotOutput#commit} makes it the newest and deletes the older
     * one and the changes it covers. Closing without committing deletes what was written. Called by the
     * single writer, between batches.
     */
    public SnapshotOutput newSnapshot() {
        checkOpen();
        long number = latestSnapshot().map(m -> m.number() + 1).orElse(1L);
        return new SnapshotOutput(number);
    }

    /** Number of snapshot chunks stored, committed or not (for tests of the clean-up). */
    long snapshotChunkCount() {
        checkOpen();
        long count = 0;
        try (RocksIterator it = db.newIterator(snapshots, readOptions)) {
            for (it.seek(IndexFormat.chunkKey(0, 0)); it.isValid(); it.next()) {
                count++;
            }
            it.status();
        } catch (RocksDBException e) {
            throw new IndexStoreException("cannot scan snapshots in " + directory, e);
        }
        return count;
    }

    /** Chunks of a snapshot that never got its manifest (the writer died): deleted at open. */
    private void deleteUncommittedSnapshotChunks() {
        long keep = latestSnapshot().map(SnapshotManifest::number).orElse(0L);
        try {
            db.deleteRange(snapshots, writeOptions, IndexFormat.chunkKey(0, 0), IndexFormat.chunkKey(keep, 0));
            db.deleteRange(
                    snapshots,
                    writeOptions,
                    IndexFormat.chunkKey(keep + 1, 0),
                    IndexFormat.chunkKey(Long.MAX_VALUE, Integer.MAX_VALUE));
        } catch (RocksDBException e) {
            throw new IndexStoreException("cannot delete snapshot debris in " + directory, e);
        }
    }

    /** Receives stored vectors. */
    @FunctionalInterface
    public interface VectorVisitor {
        void accept(String imageId, long numericId, float[] vector);
    }

    /**
     * Calls {@code visitor} for every stored vector, in image-id byte order, with its numeric id.
     *
     * @throws CorruptStoreException if a vector has no numeric id
     */
    public void forEachVector(VectorVisitor visitor) {
        checkOpen();
        try (RocksIterator it = db.newIterator(vectors, readOptions)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                String imageId = IndexFormat.utf8(it.key());
                long numericId = numericId(imageId)
                        .orElseThrow(() -> new CorruptStoreException("vector of '" + imageId + "' has no numeric id"));
                visitor.accept(imageId, numericId, IndexFormat.decodeVector(it.value()));
            }
            it.status();
        } catch (RocksDBException e) {
            throw new IndexStoreException("cannot scan vectors in " + directory, e);
        }
    }

    /** Starts the batch of writes; only one may be open at a time. */
    public synchronized Batch newBatch() {
        checkOpen();
        if (batchOpen) {
            throw new IllegalStateException("another batch is open: the store has a single writer");
        }
        batchOpen = true;
        return new Batch();
    }

    /**
     * Closes the database and every handle. Idempotent. The caller makes sure no read or batch runs
     * concurrently (the worker closes the store last, under its write lock).
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> owned = new ArrayList<>();
        owned.add(dbOptions);
        owned.add(cfOptions);
        owned.add(db);
        owned.addAll(handles);
        owned.add(writeOptions);
        owned.add(readOptions);
        closeAll(owned, null);
    }

    private static void closeAll(List<AutoCloseable> created, Throwable primary) {
        RuntimeException failure = null;
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                created.get(i).close();
            } catch (Exception e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                } else if (failure == null) {
                    failure = new IndexStoreException("cannot close a RocksDB handle", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("index store " + directory + " is closed");
        }
    }

    private byte[] get(ColumnFamilyHandle family, byte[] key) {
        checkOpen();
        try {
            return db.get(family, readOptions, key);
        } catch (RocksDBException e) {
            throw new IndexStoreException("cannot read from " + directory, e);
        }
    }

    private void put(ColumnFamilyHandle family, String key, byte[] value) {
        try {
            db.put(family, writeOptions, IndexFormat.utf8(key), value);
        } catch (RocksDBException e) {
            throw new IndexStoreException("cannot write to " + directory, e);
        }
    }

    public static byte[] encodeSpec(EmbeddingSpec spec) {
        ObjectNode node = JSON.createObjectNode()
                .put("modelId", spec.modelId())
                .put("modelVersion", spec.modelVersion())
                .put("dimension", spec.dimension())
                .put("pooling", spec.pooling())
                .put("normalisation", spec.normalisation());
        return IndexFormat.utf8(node.toString());
    }

    public static EmbeddingSpec decodeSpec(byte[] json) {
        JsonNode node = readTree(json);
        return new EmbeddingSpec(
                text(node, "modelId"),
                text(node, "modelVersion"),
                node.path("dimension").asInt(),
                text(node, "pooling"),
                text(node, "normalisation"));
    }

    public static byte[] encodeMeta(ImageMeta m) {
        ObjectNode node = JSON.createObjectNode();
        JsonNode metadata = readTree(IndexFormat.utf8(m.metadataJson()));
        node.set("metadata", metadata);
        node.put("source", m.source());
        node.put("ingestTimeMillis", m.ingestTimeMillis());
        node.put("space", m.space());
        return IndexFormat.utf8(node.toString());
    }

    public static ImageMeta decodeMeta(byte[] json) {
        JsonNode node = readTree(json);
        JsonNode metadata = node.path("metadata");
        return new ImageMeta(
                metadata.isObject() ? metadata.toString() : "{}",
                node.path("source").isTextual() ? node.get("source").asText() : null,
                node.path("ingestTimeMillis").asLong(),
                node.path("space").isTextual() ? node.get("space").asText() : null);
    }

    private static JsonNode readTree(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new CorruptStoreException("stored JSON does not parse: " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new CorruptStoreException("stored JSON lacks text field '" + field + "'");
        }
        return value.asText();
    }

    /**
     * An image from its stored values (the {@code images}, {@code meta} and {@code vectors} values, each
     * possibly null); empty when all three are.
     */
    public static Optional<StoredImage> storedImage(String imageId, byte[] image, byte[] metaValue, byte[] vector) {
        if (image == null && metaValue == null && vector == null) {
            return Optional.empty();
        }
        IndexFormat.StoredBlob blob = image == null ? null : IndexFormat.decodeImage(image);
        ImageMeta m = metaValue == null ? ImageMeta.EMPTY : decodeMeta(metaValue);
        return Optional.of(new StoredImage(
                imageId,
                blob == null ? null : blob.contentType(),
                blob == null ? null : blob.bytes(),
                m.metadataJson(),
                m.source(),
                m.ingestTimeMillis(),
                vector == null ? null : IndexFormat.decodeVector(vector)));
    }

    /** Checks that a text is a JSON object, as {@link ImageMeta#metadataJson()} must be. */
    public static String requireJsonObject(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("metadata must be a JSON object, got: " + abbreviate(json));
            }
            return node.toString();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metadata is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }

    /**
     * One atomic group of writes, with read-your-writes for the values it touches (a RocksDB
     * {@code WriteBatchWithIndex}). {@link #write()} applies it; {@link #close()} releases it, discarding it
     * if it was not written.
     */
    public final class Batch implements IndexWrites, AutoCloseable {
        private final WriteBatchWithIndex batch = new WriteBatchWithIndex(true);
        private long stagedNextId = nextId;
        private long stagedNextChange = nextChange;
        private EmbeddingSpec stagedSpec = spec;
        private boolean done;

        private Batch() {}

        /** The numeric id of an image, as stored or as assigned earlier in this batch. */
        @Override
        public OptionalLong numericId(String imageId) {
            byte[] value = read(ids, IndexFormat.idByNameKey(imageId));
            return value == null ? OptionalLong.empty() : OptionalLong.of(IndexFormat.readLong(value));
        }

        /** The numeric id of an image, assigning the next free one if it has none. */
        @Override
        public long assignId(String imageId) {
            OptionalLong existing = numericId(imageId);
            if (existing.isPresent()) {
                return existing.getAsLong();
            }
            long id = stagedNextId++;
            write(ids, IndexFormat.idByNameKey(imageId), IndexFormat.longBytes(id));
            write(ids, IndexFormat.nameByIdKey(id), IndexFormat.utf8(imageId));
            write(info, IndexFormat.utf8(IndexFormat.INFO_IDS_NEXT), IndexFormat.longBytes(stagedNextId));
            return id;
        }

        /** Forgets an image's numeric id (both directions); a later record gets a fresh one. */
        @Override
        public void releaseId(String imageId) {
            OptionalLong existing = numericId(imageId);
            if (existing.isPresent()) {
                delete(ids, IndexFormat.idByNameKey(imageId));
                delete(ids, IndexFormat.nameByIdKey(existing.getAsLong()));
            }
        }

        @Override
        public void putVector(String imageId, float[] vector) {
            write(vectors, IndexFormat.utf8(imageId), IndexFormat.encodeVector(vector));
        }

        @Override
        public void deleteVector(String imageId) {
            delete(vectors, IndexFormat.utf8(imageId));
        }

        @Override
        public void putImage(String imageId, String contentType, byte[] bytes) {
            write(images, IndexFormat.utf8(imageId), IndexFormat.encodeImage(contentType, bytes));
        }

        @Override
        public void deleteImage(String imageId) {
            delete(images, IndexFormat.utf8(imageId));
        }

        /** The metadata of an image as stored or as written earlier in this batch. */
        @Override
        public Optional<ImageMeta> meta(String imageId) {
            byte[] value = read(meta, IndexFormat.utf8(imageId));
            return value == null ? Optional.empty() : Optional.of(decodeMeta(value));
        }

        @Override
        public void putMeta(String imageId, ImageMeta m) {
            write(meta, IndexFormat.utf8(imageId), encodeMeta(m));
        }

        @Override
        public void deleteMeta(String imageId) {
            delete(meta, IndexFormat.utf8(imageId));
        }

        /** Logs that the vector of a numeric id was added, replaced or removed (for snapshot replay). */
        public void logChange(long numericId) {
            write(changes, IndexFormat.longBytes(stagedNextChange++), IndexFormat.longBytes(numericId));
            write(info, IndexFormat.utf8(IndexFormat.INFO_CHANGES_NEXT), IndexFormat.longBytes(stagedNextChange));
        }

        /** Records that every record of the partition before {@code next} is covered by this batch. */
        public void putNextOffset(String topic, int partition, long next) {
            write(offsets, IndexFormat.offsetKey(topic, partition), IndexFormat.longBytes(next));
        }

        /** The embedding space, as stored or as fixed earlier in this batch. */
        @Override
        public Optional<EmbeddingSpec> embeddingSpec() {
            return Optional.ofNullable(stagedSpec);
        }

        /**
         * Fixes the embedding space of the store.
         *
         * @throws IllegalStateException if it is already fixed
         */
        @Override
        public void fixEmbeddingSpec(EmbeddingSpec newSpec) {
            if (stagedSpec != null) {
                throw new IllegalStateException("embedding space already fixed to " + stagedSpec.spaceKey());
            }
            stagedSpec = newSpec;
            write(info, IndexFormat.utf8(IndexFormat.INFO_EMBEDDING_SPEC), encodeSpec(newSpec));
        }

        /** Applies the batch atomically (write-ahead log on). A batch can be written once. */
        public void write() {
            checkUsable();
            try {
                db.write(writeOptions, batch);
            } catch (RocksDBException e) {
                throw new IndexStoreException("cannot write a batch to " + directory, e);
            }
            done = true;
            nextId = stagedNextId;
            nextChange = stagedNextChange;
            spec = stagedSpec;
        }

        /** Number of updates in the batch. */
        public int count() {
            return batch.count();
        }

        @Override
        public void close() {
            synchronized (IndexStore.this) {
                if (batchOpen) {
                    batchOpen = false;
                    batch.close();
                }
            }
            done = true;
        }

        private void checkUsable() {
            if (done) {
                throw new IllegalStateException("batch already written or closed");
            }
        }

        private byte[] read(ColumnFamilyHandle family, byte[] key) {
            checkUsable();
            try {
                return batch.getFromBatchAndDB(db, family, readOptions, key);
            } catch (RocksDBException e) {
                throw new IndexStoreException("cannot read from " + directory, e);
            }
        }

        private void write(ColumnFamilyHandle family, byte[] key, byte[] value) {
            checkUsable();
            try {
                batch.put(family, key, value);
            } catch (RocksDBException e) {
                throw new IndexStoreException("cannot stage a write to " + directory, e);
            }
        }

        private void delete(ColumnFamilyHandle family, byte[] key) {
            checkUsable();
            try {
                batch.delete(family, key);
            } catch (RocksDBException e) {
                throw new IndexStoreException("cannot stage a delete in " + directory, e);
            }
        }
    }

    /**
     * The stream of a snapshot being written, stored in chunks of {@value IndexFormat#SNAPSHOT_CHUNK_BYTES}
     * bytes as they fill. Chunks are invisible to readers until {@link #commit}.
     */
    public final class SnapshotOutput extends OutputStream {
        private final long number;
        private final byte[] buffer = new byte[IndexFormat.SNAPSHOT_CHUNK_BYTES];
        private int filled;
        private int chunks;
        private long bytes;
        private boolean finished;

        private SnapshotOutput(long number) {
            this.number = number;
        }

        @Override
        public void write(int b) {
            checkWritable();
            if (filled == buffer.length) {
                flushChunk();
            }
            buffer[filled++] = (byte) b;
        }

        @Override
        public void write(byte[] source, int offset, int length) {
            checkWritable();
            while (length > 0) {
                if (filled == buffer.length) {
                    flushChunk();
                }
                int n = Math.min(length, buffer.length - filled);
                System.arraycopy(source, offset, buffer, filled, n);
                filled += n;
                offset += n;
                length -= n;
            }
        }

        private void flushChunk() {
            byte[] value = filled == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, filled);
            try {
                db.put(snapshots, writeOptions, IndexFormat.chunkKey(number, chunks), value);
            } catch (RocksDBException e) {
                throw new IndexStoreException("cannot write snapshot chunk to " + directory, e);
            }
            bytes += filled;
            chunks++;
            filled = 0;
        }

        /**
         * Makes this snapshot the newest, in one atomic write: its manifest, the deletion of the older
         * snapshot, and of the changes before {@code changesCovered}.
         */
        public SnapshotManifest commit(
                String factory, int dimension, long vectors, long changesCovered, Map<String, Long> offsetsCovered) {
            checkWritable();
            if (filled > 0) {
                flushChunk();
            }
            SnapshotManifest manifest = new SnapshotManifest(
                    number,
                    factory,
                    dimension,
                    vectors,
                    bytes,
                    chunks,
                    changesCovered,
                    offsetsCovered,
                    System.currentTimeMillis());
            try (org.rocksdb.WriteBatch batch = new org.rocksdb.WriteBatch()) {
                batch.put(snapshots, IndexFormat.manifestKey(number), manifest.toJson());
                batch.deleteRange(snapshots, IndexFormat.manifestKey(0), IndexFormat.manifestKey(number));
                batch.deleteRange(snapshots, IndexFormat.chunkKey(0, 0), IndexFormat.chunkKey(number, 0));
                batch.deleteRange(changes, IndexFormat.longBytes(0), IndexFormat.longBytes(changesCovered));
                db.write(writeOptions, batch);
            } catch (RocksDBException e) {
                throw new IndexStoreException("cannot commit snapshot " + number + " in " + directory, e);
            }
            finished = true;
            return manifest;
        }

        /** Deletes the chunks if the snapshot was not committed. */
        @Override
        public void close() {
            if (finished) {
                return;
            }
            finished = true;
            try {
                db.deleteRange(
                        snapshots, writeOptions, IndexFormat.chunkKey(number, 0), IndexFormat.chunkKey(number + 1, 0));
            } catch (RocksDBException e) {
                throw new IndexStoreException("cannot delete abandoned snapshot " + number + " in " + directory, e);
            }
        }

        private void checkWritable() {
            if (finished) {
                throw new IllegalStateException("snapshot " + number + " already committed or closed");
            }
        }
    }

    /** Reads a snapshot's chunks in order; fails if one is missing or the total length disagrees. */
    private final class SnapshotInput extends InputStream {
        private final SnapshotManifest manifest;
        private byte[] chunk = new byte[0];
        private int position;
        private int nextChunk;
        private long read;

        private SnapshotInput(SnapshotManifest manifest) {
            this.manifest = manifest;
        }

        @Override
        public int read() throws IOException {
            if (!fill()) {
                return -1;
            }
            read++;
            return chunk[position++] & 0xFF;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(length, chunk.length - position);
            System.arraycopy(chunk, position, target, offset, n);
            position += n;
            read += n;
            return n;
        }

        private boolean fill() throws IOException {
            while (position == chunk.length) {
                if (nextChunk == manifest.chunks()) {
                    if (read != manifest.bytes()) {
                        throw new IOException("snapshot " + manifest.number() + " holds " + read
                                + " bytes, its manifest says " + manifest.bytes());
                    }
                    return false;
                }
                byte[] value = get(snapshots, IndexFormat.chunkKey(manifest.number(), nextChunk));
                if (value == null) {
                    throw new IOException("snapshot " + manifest.number() + " lacks chunk " + nextChunk);
                }
                chunk = value;
                position = 0;
                nextChunk++;
            }
            return true;
        }
    }
}
