package io.dinostream.index.vector;

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
