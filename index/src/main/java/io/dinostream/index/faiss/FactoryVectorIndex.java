package io.dinostream.index.faiss;

import io.dinostream.index.faiss.binding.FaissIndex;
import io.dinostream.index.faiss.binding.global.Faiss;
import io.dinostream.index.vector.Neighbors;
import io.dinostream.index.vector.SearchParams;
import io.dinostream.index.vector.VectorIndex;
import io.dinostream.index.vector.Vectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;

/**
 * Any FAISS index named by a factory string ({@code Flat}, {@code IVF{n},Flat}, {@code IVF{n},PQ{m}},
 * {@code IVF{n},SQ8}, {@code HNSW{M}}, with or without {@code OPQ{m},} in front), behind the
 * {@link VectorIndex} contract with stable 64-bit ids.
 *
 * <p><b>Training.</b> An index that needs training starts as an exact {@code Flat} index of the same
 * metric, which serves searches; once {@code trainSize} vectors are stored, the factory index is
 * trained on them (up to {@value #MAX_TRAIN_SAMPLE}) and every vector is added to it.
 *
 * <p><b>Ids, replacement and deletion.</b> FAISS gets sequential internal labels; a Java table maps them
 * to ids. Replacing or removing an id only marks its old label stale (HNSW cannot delete at all), and
 * searches over-fetch by the number of stale labels, so they still return {@code k} live results. When
 * stale labels exceed a fifth of the index, it is rebuilt from the live vectors. The live vectors are
 * kept in Java ({@code 4 * dimension} bytes each) for training and rebuilds.
 *
 * <p><b>Scores.</b> Inner product for {@link Metric#INNER_PRODUCT}; for {@link Metric#L2} the negated
 * squared distance, so that higher is better for both.
 *
 * <p>Threading as {@link VectorIndex} states. Native memory: the current FAISS index is owned here and
 * deleted on {@link #close()} or when replaced.
 */
public final class FactoryVectorIndex implements VectorIndex {
    /** Training uses at most this many vectors (FAISS k-means warns above 256 per centroid anyway). */
    public static final int MAX_TRAIN_SAMPLE = 100_000;

    /** The similarity of the index. */
    public enum Metric {
        INNER_PRODUCT(Faiss.METRIC_INNER_PRODUCT),
        L2(Faiss.METRIC_L2);

        final int faissMetric;

        Metric(int faissMetric) {
            this.faissMetric = faissMetric;
        }
    }

    private final int dimension;
    private final String description;
    private final Metric metric;
    private final int trainSize;

    private OwnedFaissIndex current;
    private boolean trained;
    private long[] idOfLabel = new long[1024];
    private final Map<Long, Integer> labelOfId = new HashMap<>();
    private float[] vectorOfLabel;
    private int labels;
    private int stale;

    /**
     * @param description a FAISS factory string, e.g. {@code "IVF1024,Flat"} or {@code "HNSW32"}
     * @param trainSize vectors to collect before training (ignored by indexes that need none)
     * @throws IllegalArgumentException if FAISS does not understand {@code description}
     */
    public FactoryVectorIndex(int dimension, String description, Metric metric, int trainSize) {
        this.dimension = Vectors.checkDimension(dimension);
        this.description = description;
        this.metric = metric;
        this.trainSize = Math.max(1, trainSize);
        this.vectorOfLabel = new float[1024 * dimension];
        FaissNative.load();
        OwnedFaissIndex probe = create(description);
        if (probe.get().is_trained()) {
            current = probe;
            trained = true;
        } else {
            probe.close();
            current = create("Flat");
        }
    }

    /** The factory string. */
    public String description() {
        return description;
    }

    /** Whether the factory index is in use (false while an exact index stands in until training). */
    public boolean trained() {
        return trained;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public long size() {
        open();
        return labelOfId.size();
    }

    @Override
    public void upsert(long[] ids, float[] vectors) {
        open();
        Vectors.checkUpsert(ids, vectors, dimension);
        if (ids.length == 0) {
            return;
        }
        Map<Long, Integer> lastRow = new LinkedHashMap<>();
        for (int i = 0; i < ids.length; i++) {
            lastRow.remove(ids[i]); // keep the order of last occurrences
            lastRow.put(ids[i], i);
        }
        float[] rows = new float[lastRow.size() * dimension];
        int r = 0;
        for (Map.Entry<Long, Integer> e : lastRow.entrySet()) {
            markStale(e.getKey());
            System.arraycopy(vectors, e.getValue() * dimension, rows, r * dimension, dimension);
            append(e.getKey(), rows, r);
            r++;
        }
        addToFaiss(rows, lastRow.size());
        maintain();
    }

    @Override
    public long remove(long[] ids) {
        open();
        long removed = 0;
        for (long id : ids) {
            if (markStale(id)) {
                removed++;
            }
        }
        maintain();
        return removed;
    }

    @Override
    public List<Neighbors> search(float[] queries, int k) {
        return search(queries, k, SearchParams.DEFAULTS);
    }

    @Override
    public List<Neighbors> search(float[] queries, int k, SearchParams params) {
        FaissIndex index = open();
        int n = Vectors.checkSearch(queries, k, dimension);
        int fetch = (int) Math.min((long) k + stale, labels);
        List<Neighbors> results = new ArrayList<>(n);
        if (fetch == 0 || labelOfId.isEmpty()) {
            for (int q = 0; q < n; q++) {
                results.add(new Neighbors(new long[0], new float[0]));
            }
            return results;
        }
        long[] found = new long[n * fetch];
        float[] distances = new float[n * fetch];
        try (FloatPointer x = new FloatPointer(queries);
                FloatPointer d = new FloatPointer(distances.length);
                LongPointer l = new LongPointer(found.length)) {
            Faiss.search_with_params(index, n, x, fetch, d, l, params.nprobe(), params.efSearch());
            d.get(distances);
            l.get(found);
        }
        for (int q = 0; q < n; q++) {
            long[] ids = new long[Math.min(k, fetch)];
            float[] scores = new float[ids.length];
            int count = 0;
            for (int j = 0; j < fetch && count < ids.length; j++) {
                long label = found[q * fetch + j];
                if (label < 0 || idOfLabel[(int) label] == NO_ID) {
                    continue; // no result, or a replaced or removed vector
                }
                ids[count] = idOfLabel[(int) label];
                float distance = distances[q * fetch + j];
                scores[count] = metric == Metric.L2 ? -distance : distance;
                count++;
            }
            results.add(new Neighbors(Arrays.copyOf(ids, count), Arrays.copyOf(scores, count)));
        }
        return results;
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    // ---- internals ------------------------------------------------------------------------------

    private OwnedFaissIndex create(String factory) {
        try {
            return new OwnedFaissIndex(Faiss.index_factory(dimension, factory, metric.faissMetric));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "FAISS cannot build index '" + factory + "' of dimension " + dimension + ": " + e.getMessage(), e);
        }
    }

    private boolean markStale(long id) {
        Integer old = labelOfId.remove(id);
        if (old == null) {
            return false;
        }
        idOfLabel[old] = NO_ID;
        stale++;
        return true;
    }

    /** Records {@code id} under the next label with row {@code row} of {@code rows}. */
    private void append(long id, float[] rows, int row) {
        if (labels == idOfLabel.length) {
            idOfLabel = Arrays.copyOf(idOfLabel, labels * 2);
            vectorOfLabel = Arrays.copyOf(vectorOfLabel, labels * 2 * dimension);
        }
        idOfLabel[labels] = id;
        System.arraycopy(rows, row * dimension, vectorOfLabel, labels * dimension, dimension);
        labelOfId.put(id, labels);
        labels++;
    }

    private void addToFaiss(float[] rows, int count) {
        try (FloatPointer x = new FloatPointer(rows)) {
            current.get().add(count, x);
        }
    }

    /** Trains once enough vectors are stored; rebuilds when stale labels pile up. */
    private void maintain() {
        if (!trained && labelOfId.size() >= trainSize) {
            rebuild(true);
        } else if (stale > 1024 && stale > labels / 5) {
            rebuild(false);
        }
    }

    /** A fresh index (the factory one, trained if {@code train}) holding only the live vectors. */
    private void rebuild(boolean train) {
        int live = labelOfId.size();
        float[] rows = new float[live * dimension];
        long[] ids = new long[live];
        int r = 0;
        for (int label = 0; label < labels; label++) {
            if (idOfLabel[label] != NO_ID) {
                ids[r] = idOfLabel[label];
                System.arraycopy(vectorOfLabel, label * dimension, rows, r * dimension, dimension);
                r++;
            }
        }
        OwnedFaissIndex next = create(trained || train ? description : "Flat");
        try {
            if (!next.get().is_trained()) {
                int sample = Math.min(live, MAX_TRAIN_SAMPLE);
                try (FloatPointer x = new FloatPointer(Arrays.copyOf(rows, sample * dimension))) {
                    next.get().train(sample, x);
                }
            }
            if (live > 0) {
                try (FloatPointer x = new FloatPointer(rows)) {
                    next.get().add(live, x);
                }
            }
        } catch (RuntimeException e) {
            next.close();
            throw e;
        }
        current.close();
        current = next;
        trained = trained || train;
        labelOfId.clear();
        idOfLabel = new long[Math.max(1024, live * 2)];
        vectorOfLabel = new float[Math.max(1024, live * 2) * dimension];
        labels = 0;
        stale = 0;
        for (int i = 0; i < live; i++) {
            append(ids[i], rows, i);
        }
    }

    private FaissIndex open() {
        if (current == null) {
            throw new IllegalStateException("FAISS index is closed");
        }
        return current.get();
    }
}
