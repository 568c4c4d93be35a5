package io.dinostream.trainer.curate.vectors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Vectors in a RocksDB store on disk, keyed by their row (4 bytes, big-endian, so that rows sort in order)
 * with little-endian float32 values: a pool too large for the heap is embedded into it once and then
 * streamed by every curation step. Appends go in write batches without the write-ahead log, because a
 * store that was not closed cleanly is simply rebuilt. Owns its RocksDB handles.
 */
public final class RocksVectorStore implements VectorSource, AutoCloseable {
    static {
        RocksDB.loadLibrary();
    }

    private final Options options;
    private final WriteOptions writeOptions;
    private final RocksDB db;
    private final int dimension;
    private int size;

    private RocksVectorStore(Options options, WriteOptions writeOptions, RocksDB db, int dimension) {
        this.options = options;
        this.writeOptions = writeOptions;
        this.db = db;
        this.dimension = dimension;
    }

    /** A new, empty store in {@code dir} (which must not hold one already). */
    public static RocksVectorStore create(Path dir, int dimension) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be positive: " + dimension);
        }
        Options options = new Options().setCreateIfMissing(true).setErrorIfExists(true);
        WriteOptions writeOptions = new WriteOptions().setDisableWAL(true);
        try {
            Files.createDirectories(dir);
            return new RocksVectorStore(options, writeOptions, RocksDB.open(options, dir.toString()), dimension);
        } catch (RocksDBException | java.io.IOException e) {
            writeOptions.close();
            options.close();
            throw new IllegalStateException("cannot create a vector store in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Appends rows (row-major) after the existing ones. */
    public void append(float[] rows) {
        if (rows.length % dimension != 0) {
            throw new IllegalArgumentException(rows.length + " floats are not whole rows of " + dimension);
        }
        int count = rows.length / dimension;
        try (WriteBatch batch = new WriteBatch()) {
            ByteBuffer value = ByteBuffer.allocate(dimension * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int r = 0; r < count; r++) {
                value.clear();
                value.asFloatBuffer().put(rows, r * dimension, dimension);
                batch.put(key(size + r), value.array().clone());
            }
            db.write(writeOptions, batch);
            size += count;
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot append to the vector store: " + e.getMessage(), e);
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public void read(int from, int to, float[] into) {
        if (from < 0 || to > size || from > to) {
            throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") of " + size);
        }
        if (to - from == 1) { // a point lookup, much cheaper than an iterator for scattered rows
            readOne(from, into);
            return;
        }
        try (RocksIterator it = db.newIterator()) {
            it.seek(key(from));
            for (int r = from; r < to; r++, it.next()) {
                if (!it.isValid()) {
                    throw new IllegalStateException("vector store ends before row " + r);
                }
                ByteBuffer.wrap(it.value())
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .asFloatBuffer()
                        .get(into, (r - from) * dimension, dimension);
            }
        }
    }

    private void readOne(int row, float[] into) {
        try {
            byte[] value = db.get(key(row));
            if (value == null) {
                throw new IllegalStateException("vector store has no row " + row);
            }
            ByteBuffer.wrap(value)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer()
                    .get(into, 0, dimension);
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot read row " + row + " of the vector store: " + e.getMessage(), e);
        }
    }

    private static byte[] key(int row) {
        return ByteBuffer.allocate(Integer.BYTES).putInt(row).array();
    }

    @Override
    public void close() {
        db.close();
        writeOptions.close();
        options.close();
    }
}
