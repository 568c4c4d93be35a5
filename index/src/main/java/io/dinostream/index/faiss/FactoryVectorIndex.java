package io.dinostream.index.faiss;

import io.dinostream.index.faiss.binding.FaissIndex;
import io.dinostream.index.faiss.binding.global.Faiss;
import io.dinostream.index.vector.Neighbors;
import io.dinostream.index.vector.SearchParams;
import io.dinostream.index.vector.SnapshotCodec;
import io.dinostream.index.vector.VectorIndex;
import io.dinostream.index.vector.Vectors;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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
 * <p><b>Range search</b> uses FAISS's {@code range_search} where the index implements it and an exact scan
 * of the live vectors where FAISS 1.7.3 does not (it throws for some types, e.g. HNSW).
 *
 * <p><b>Snapshots</b> hold the FAISS index in FAISS's format plus the label table and the live vectors,
 * so a restored index needs neither training nor re-adding.
 *
 * <p><b>GPU.</b> With a {@link GpuReplica} ({@link VectorIndexes#create} with {@link IndexDevice}), k-NN
 * searches run on a GPU copy of the FAISS index, with the same labels and the same over-fetch; the CPU
 * index stays the truth for everything else.
 *
 * <p>Threading as {@link VectorIndex} states. Native memory: the current FAISS index is owned here and
 * deleted on {@link #close()} or when replaced.
 */
public final class FactoryVectorIndex implements VectorIndex {
    /** The kind written in its snapshots. */
    public static final String SNAPSHOT_KIND = "faiss-factory";

    /** Training uses at most this many vectors (FAISS k-means warns above 256 per centroid anyway). */
    public static final int MAX_TRAIN_SAMPLE = 100_000;

    /** The most floats one Java array holds (a little under 2^31, as the JDK's own collections assume). */
    private static final int MAX_FLOATS = Integer.MAX_VALUE - 8;

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
    /** Changes whenever {@code current} is replaced, so that a GPU replica knows to copy it again. */
    private long generation;
    /** Where k-NN searches run when not null: a GPU copy of {@code current}. */
    private GpuReplica gpu;

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

    /** The restored state of a snapshot; takes ownership of {@code restored}. */
    private FactoryVectorIndex(
            int dimension, String description, Metric metric, int trainSize, OwnedFaissIndex restored) {
        this.dimension = Vectors.checkDimension(dimension);
        this.description = description;
        this.metric = metric;
        this.trainSize = Math.max(1, trainSize);
        this.current = restored;
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
    public boolean isTrained() {
        return trained;
    }

    /** The similarity the index ranks by. */
    public Metric metric() {
        return metric;
    }

    @Override
    public void train(float[] sample) {
        open();
        if (trained) {
            return;
        }
        if (sample.length == 0 || sample.length % dimension != 0) {
            throw new IllegalArgumentException("training sample must be a positive multiple of the dimension "
                    + dimension + ", got " + sample.length + " floats");
        }
        rebuild(true, sample);
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
        UpsertBatch batch = UpsertBatch.lastRowWins(ids, vectors, dimension);
        float[] rows = batch.rows();
        long[] rowIds = batch.ids();
        ensureCapacity(labels + rowIds.length);
        for (int r = 0; r < rowIds.length; r++) {
            markStale(rowIds[r]);
            append(rowIds[r], rows, r);
        }
        if (!trained && labelOfId.size() >= trainSize) {
            rebuild(true, null); // adds every live vector to the trained index: the stand-in needs none
            return;
        }
        addToFaiss(rows, rowIds.length);
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
            if (gpu == null || !gpu.search(index, generation, this::rows, n, x, fetch, d, l, params.nprobe())) {
                Faiss.search_with_params(index, n, x, fetch, d, l, params.nprobe(), params.efSearch());
            }
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
    public List<Neighbors> rangeSearch(float[] queries, float threshold, SearchParams params) {
        FaissIndex index = open();
        int n = Vectors.checkSearch(queries, 1, dimension);
        if (labelOfId.isEmpty()) {
            List<Neighbors> empty = new ArrayList<>(n);
            for (int q = 0; q < n; q++) {
                empty.add(new Neighbors(new long[0], new float[0]));
            }
            return empty;
        }
        try {
            return FaissRangeSearch.run(
                    index, queries, n, threshold, metric == Metric.L2, params, label -> idOfLabel[(int) label]);
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).contains("not implemented")) {
                throw e;
            }
            return exactRangeSearch(queries, n, threshold);
        }
    }

    /** Range search over the live vectors in Java, for index types whose FAISS range search is missing. */
    private List<Neighbors> exactRangeSearch(float[] queries, int n, float threshold) {
        List<Neighbors> results = new ArrayList<>(n);
        for (int q = 0; q < n; q++) {
            long[] ids = new long[labelOfId.size()];
            float[] scores = new float[ids.length];
            int count = 0;
            for (int label = 0; label < labels; label++) {
                if (idOfLabel[label] == NO_ID) {
                    continue;
                }
                float score = score(queries, q * dimension, label);
                if (score > threshold) {
                    ids[count] = idOfLabel[label];
                    scores[count] = score;
                    count++;
                }
            }
            results.add(FaissRangeSearch.sorted(Arrays.copyOf(ids, count), Arrays.copyOf(scores, count)));
        }
        return results;
    }

    private float score(float[] queries, int offset, int label) {
        float sum = 0;
        int base = label * dimension;
        for (int i = 0; i < dimension; i++) {
            float a = queries[offset + i];
            float b = vectorOfLabel[base + i];
            sum += metric == Metric.L2 ? (a - b) * (a - b) : a * b;
        }
        return metric == Metric.L2 ? -sum : sum;
    }

    /**
     * Snapshot fields: dimension, factory string, metric, train size, trained flag, label count, the id of
     * each label ({@link #NO_ID} for stale ones), the vector of each label, then the FAISS index.
     */
    @Override
    public void writeSnapshot(OutputStream stream) throws IOException {
        FaissIndex index = open();
        DataOutputStream out = new DataOutputStream(stream);
        SnapshotCodec.writeHeader(out, SNAPSHOT_KIND);
        out.writeInt(dimension);
        out.writeUTF(description);
        out.writeUTF(metric.name());
        out.writeInt(trainSize);
        out.writeBoolean(trained);
        out.writeLong(labels);
        SnapshotCodec.writeLongs(out, idOfLabel, labels);
        SnapshotCodec.writeFloats(out, vectorOfLabel, (long) labels * dimension);
        FaissIndexes.write(index, out);
        out.flush();
    }

    /** Reads the fields {@link #writeSnapshot} wrote after the header. */
    public static FactoryVectorIndex readSnapshot(DataInputStream in) throws IOException {
        int dimension = in.readInt();
        String description = in.readUTF();
        Metric metric;
        try {
            metric = Metric.valueOf(in.readUTF());
        } catch (IllegalArgumentException e) {
            throw new IOException("snapshot names an unknown metric", e);
        }
        int trainSize = in.readInt();
        boolean trained = in.readBoolean();
        int labels = SnapshotCodec.readCount(in, "labels");
        long[] ids = SnapshotCodec.readLongs(in, labels);
        float[] vectors = SnapshotCodec.readFloats(in, Math.multiplyExact(labels, dimension));
        OwnedFaissIndex faiss = FaissIndexes.read(in);
        if (faiss.get().ntotal() != labels || faiss.get().d() != dimension) {
            long stored = faiss.get().ntotal();
            faiss.close();
            throw new IOException("snapshot's FAISS index holds " + stored + " vectors for " + labels
                    + " labels, or another dimension");
        }
        FactoryVectorIndex index = new FactoryVectorIndex(dimension, description, metric, trainSize, faiss);
        index.trained = trained;
        index.idOfLabel = ids.length >= 1024 ? ids : Arrays.copyOf(ids, 1024);
        index.vectorOfLabel = vectors.length >= 1024 * dimension ? vectors : Arrays.copyOf(vectors, 1024 * dimension);
        index.labels = labels;
        for (int label = 0; label < labels; label++) {
            if (ids[label] == NO_ID) {
                index.stale++;
            } else {
                index.labelOfId.put(ids[label], label);
            }
        }
        return index;
    }

    /** The FAISS index itself, for {@link VectorIndexes#writeFaissIndex}; owned here, not to be closed. */
    FaissIndex faissIndex() {
        return open();
    }

    /**
     * Runs k-NN searches on {@code replica} (a GPU copy of the FAISS index) from now on, where the GPU
     * can; takes ownership of it. Writes, range searches and snapshots stay on the CPU index.
     */
    void searchOn(GpuReplica replica) {
        if (gpu != null) {
            gpu.close();
        }
        gpu = replica;
    }

    /** Whether searches have a GPU copy of the index right now (tests). */
    boolean searchesOnGpu() {
        return gpu != null && gpu.holdsCopy();
    }

    @Override
    public void close() {
        if (gpu != null) {
            gpu.close();
            gpu = null;
        }
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

    /** The vectors of labels {@code [from, to)}, row-major (a GPU replica adds them to its copy). */
    private float[] rows(int from, int to) {
        return Arrays.copyOfRange(vectorOfLabel, from * dimension, to * dimension);
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

    /**
     * Room for {@code needed} labels, growing by half (not doubling: at a million 384-d vectors the table
     * is 1.5 GB). The vectors live in one Java array, so an index holds at most 2^31 floats.
     */
    private void ensureCapacity(int needed) {
        if (needed <= idOfLabel.length) {
            return;
        }
        int maxLabels = MAX_FLOATS / dimension;
        if (needed > maxLabels || needed < 0) {
            throw new IllegalStateException("an index of dimension " + dimension + " holds at most " + maxLabels
                    + " vectors (labels, stale ones included, in one Java array); spread the vectors over more"
                    + " partitions");
        }
        int capacity = (int) Math.min(maxLabels, Math.max(needed, idOfLabel.length + (long) idOfLabel.length / 2));
        idOfLabel = Arrays.copyOf(idOfLabel, capacity);
        vectorOfLabel = Arrays.copyOf(vectorOfLabel, capacity * dimension);
    }

    /** Records {@code id} under the next label with row {@code row} of {@code rows}. */
    private void append(long id, float[] rows, int row) {
        ensureCapacity(labels + 1);
        idOfLabel[labels] = id;
        System.arraycopy(rows, row * dimension, vectorOfLabel, labels * dimension, dimension);
        labelOfId.put(id, labels);
        labels++;
    }

    private void addToFaiss(float[] rows, int count) {
        add(current.get(), rows, count, trained);
    }

    /**
     * Adds rows to {@code index} (the factory index if {@code factoryIndex}, else the Flat stand-in). HNSW
     * gets every row in one call: it inserts each call's rows level by level, so chunks build another
     * graph, and at 1M x 384 a chunked HNSW32 build found recall@10 0.848 where one-call builds found
     * 0.886-0.909. Every other index gets chunks through {@link BufferedAdd}.
     */
    private void add(FaissIndex index, float[] rows, int count, boolean factoryIndex) {
        if (count == 0) {
            return;
        }
        if (factoryIndex && description.contains("HNSW")) {
            if (count > BufferedAdd.rowsPerChunk(dimension)) {
                // A bulk add: graph and storage grow once, in 2 MB pages when large. Not for a stream's
                // small batches: an exact reserve per batch would reallocate (and copy) every time.
                Faiss.reserve_for_add(index, count);
            }
            try (FloatPointer x = new FloatPointer(rows)) {
                index.add(count, x);
            }
        } else {
            BufferedAdd.add(index, rows, count, dimension);
        }
    }

    /** Trains once enough vectors are stored; rebuilds when stale labels pile up. */
    private void maintain() {
        if (!trained && labelOfId.size() >= trainSize) {
            rebuild(true, null);
        } else if (stale > 1024 && stale > labels / 5) {
            rebuild(false, null);
        }
    }

    /**
     * A fresh index (the factory one, trained if {@code train}) holding only the live vectors; trained on
     * {@code sample} if given, else on up to {@value #MAX_TRAIN_SAMPLE} live vectors.
     */
    private void rebuild(boolean train, float[] sample) {
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
                float[] training =
                        sample != null ? sample : Arrays.copyOf(rows, Math.min(live, MAX_TRAIN_SAMPLE) * dimension);
                if (training.length == 0) {
                    throw new IllegalStateException("cannot train '" + description + "' without vectors");
                }
                try (FloatPointer x = new FloatPointer(training)) {
                    next.get().train(training.length / dimension, x);
                }
            }
            add(next.get(), rows, live, trained || train);
        } catch (RuntimeException e) {
            next.close();
            throw e;
        }
        current.close();
        current = next;
        generation++;
        trained = trained || train;
        // The compacted arrays become the tables: no second copy of every vector.
        labelOfId.clear();
        idOfLabel = live >= 1024 ? ids : Arrays.copyOf(ids, 1024);
        vectorOfLabel = live >= 1024 ? rows : Arrays.copyOf(rows, 1024 * dimension);
        labels = live;
        stale = 0;
        for (int i = 0; i < live; i++) {
            labelOfId.put(ids[i], i);
        }
    }

    private FaissIndex open() {
        if (current == null) {
            throw new IllegalStateException("FAISS index is closed");
        }
        return current.get();
    }
}
