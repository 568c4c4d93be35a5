package io.dinostream.index.vector;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact inner-product search in plain Java: every query is scored against every vector. The reference
 * implementation that the conformance suite and the FAISS comparison test trust; fine for small indexes.
 *
 * <p>Scores are accumulated in {@code double} and rounded to {@code float}, so they can differ from a
 * float-accumulating implementation (FAISS uses BLAS) in the last bits.
 */
public final class BruteForceVectorIndex implements VectorIndex {
    /** The kind written in its snapshots. */
    public static final String SNAPSHOT_KIND = "brute-force";

    private final int dimension;
    private final Map<Long, float[]> vectors = new LinkedHashMap<>();
    private boolean closed;

    public BruteForceVectorIndex(int dimension) {
        this.dimension = Vectors.checkDimension(dimension);
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public long size() {
        checkOpen();
        return vectors.size();
    }

    @Override
    public void upsert(long[] ids, float[] flat) {
        checkOpen();
        Vectors.checkUpsert(ids, flat, dimension);
        for (int i = 0; i < ids.length; i++) {
            vectors.put(ids[i], Arrays.copyOfRange(flat, i * dimension, (i + 1) * dimension));
        }
    }

    @Override
    public long remove(long[] ids) {
        checkOpen();
        long removed = 0;
        for (long id : ids) {
            if (vectors.remove(id) != null) {
                removed++;
            }
        }
        return removed;
    }

    @Override
    public List<Neighbors> search(float[] queries, int k) {
        checkOpen();
        int n = Vectors.checkSearch(queries, k, dimension);
        List<Neighbors> results = new ArrayList<>(n);
        for (int q = 0; q < n; q++) {
            results.add(searchOne(queries, q * dimension, k));
        }
        return results;
    }

    @Override
    public List<Neighbors> rangeSearch(float[] queries, float threshold, SearchParams params) {
        checkOpen();
        int n = Vectors.checkSearch(queries, 1, dimension);
        List<Neighbors> results = new ArrayList<>(n);
        for (int q = 0; q < n; q++) {
            Neighbors all = searchOne(queries, q * dimension, Math.max(1, vectors.size()));
            int count = 0;
            while (count < all.size() && all.score(count) > threshold) {
                count++;
            }
            results.add(new Neighbors(Arrays.copyOf(all.ids(), count), Arrays.copyOf(all.scores(), count)));
        }
        return results;
    }

    /** Snapshot fields: dimension, count, then per vector its id and floats. */
    @Override
    public void writeSnapshot(OutputStream stream) throws IOException {
        checkOpen();
        DataOutputStream out = new DataOutputStream(stream);
        SnapshotCodec.writeHeader(out, SNAPSHOT_KIND);
        out.writeInt(dimension);
        out.writeLong(vectors.size());
        for (Map.Entry<Long, float[]> entry : vectors.entrySet()) {
            out.writeLong(entry.getKey());
            SnapshotCodec.writeFloats(out, entry.getValue(), dimension);
        }
        out.flush();
    }

    /** Reads the fields {@link #writeSnapshot} wrote after the header. */
    public static BruteForceVectorIndex readSnapshot(DataInputStream in) throws IOException {
        BruteForceVectorIndex index = new BruteForceVectorIndex(in.readInt());
        int count = SnapshotCodec.readCount(in, "vectors");
        for (int i = 0; i < count; i++) {
            long id = in.readLong();
            index.vectors.put(id, SnapshotCodec.readFloats(in, index.dimension));
        }
        return index;
    }

    private Neighbors searchOne(float[] queries, int offset, int k) {
        long[] ids = new long[vectors.size()];
        float[] scores = new float[vectors.size()];
        int i = 0;
        for (Map.Entry<Long, float[]> entry : vectors.entrySet()) {
            float[] vector = entry.getValue();
            double dot = 0;
            for (int j = 0; j < dimension; j++) {
                dot += (double) queries[offset + j] * vector[j];
            }
            ids[i] = entry.getKey();
            scores[i] = (float) dot;
            i++;
        }
        Integer[] order = new Integer[ids.length];
        for (int j = 0; j < order.length; j++) {
            order[j] = j;
        }
        // Descending score; ties by ascending id so that this oracle is deterministic.
        Arrays.sort(order, (a, b) -> {
            int byScore = Float.compare(scores[b], scores[a]);
            return byScore != 0 ? byScore : Long.compare(ids[a], ids[b]);
        });
        int count = Math.min(k, order.length);
        long[] topIds = new long[count];
        float[] topScores = new float[count];
        for (int r = 0; r < count; r++) {
            topIds[r] = ids[order[r]];
            topScores[r] = scores[order[r]];
        }
        return new Neighbors(topIds, topScores);
    }

    @Override
    public void close() {
        closed = true;
        vectors.clear();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("index is closed");
        }
    }
}
