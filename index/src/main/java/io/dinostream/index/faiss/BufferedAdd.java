package io.dinostream.index.faiss;

import io.dinostream.index.faiss.binding.FaissIndex;
import io.dinostream.index.faiss.binding.global.Faiss;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;

/**
 * Adds Java rows to a FAISS index through one native buffer of at most {@value #BUFFER_BYTES} bytes,
 * reused chunk after chunk.
 *
 * <p>Why not one {@code FloatPointer} of every row: a bulk load of a million 384-d vectors would hold a
 * second 1.5 GB copy off-heap while FAISS makes its own, JavaCPP counts it against its limit (by default
 * the maximum heap size), and every page of it is first touched, and faulted in, during the add. The
 * buffer is small and stays resident, so a bulk add costs about what FAISS's own copy costs. A bulk add
 * first reserves its rows in a flat index's storage ({@code dinostream::reserve_for_add}), which would
 * otherwise double chunk by chunk.
 */
final class BufferedAdd {
    /** The most bytes of vectors per chunk. */
    static final int BUFFER_BYTES = 32 << 20;

    private BufferedAdd() {}

    /** Adds {@code count} rows of {@code rows} (row-major, {@code dimension} floats each). */
    static void add(FaissIndex index, float[] rows, int count, int dimension) {
        addInChunks(index, rows, null, count, dimension, rowsPerChunk(dimension));
    }

    /** Adds {@code count} rows of {@code rows} under {@code ids} (FAISS's {@code add_with_ids}). */
    static void addWithIds(FaissIndex index, float[] rows, long[] ids, int count, int dimension) {
        addInChunks(index, rows, ids, count, dimension, rowsPerChunk(dimension));
    }

    /** Rows per chunk: whole rows filling at most {@value #BUFFER_BYTES} bytes, at least one. */
    static int rowsPerChunk(int dimension) {
        return Math.max(1, BUFFER_BYTES / (Float.BYTES * dimension));
    }

    /** Adds in chunks of {@code rowsPerChunk} rows; {@code ids} may be null (plain {@code add}). */
    static void addInChunks(FaissIndex index, float[] rows, long[] ids, int count, int dimension, int rowsPerChunk) {
        if (count == 0) {
            return;
        }
        int chunkRows = Math.min(count, rowsPerChunk);
        if (count > chunkRows) {
            Faiss.reserve_for_add(index, count); // flat storage grows once, not by doubling per chunk
        }
        try (FloatPointer vectors = new FloatPointer((long) chunkRows * dimension);
                LongPointer labels = ids == null ? null : new LongPointer(chunkRows)) {
            for (int from = 0; from < count; from += chunkRows) {
                int n = Math.min(chunkRows, count - from);
                vectors.position(0).put(rows, from * dimension, n * dimension);
                if (ids == null) {
                    index.add(n, vectors);
                } else {
                    labels.position(0).put(ids, from, n);
                    index.add_with_ids(n, vectors, labels);
                }
            }
        }
    }
}
