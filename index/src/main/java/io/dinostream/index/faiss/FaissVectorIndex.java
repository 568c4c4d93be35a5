package io.dinostream.index.faiss;

import io.dinostream.index.faiss.binding.FaissIndex;
import io.dinostream.index.faiss.binding.IDSelectorBatch;
import io.dinostream.index.faiss.binding.IndexFlatIP;
import io.dinostream.index.faiss.binding.IndexIDMap2;
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
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;

/**
 * Exact inner-product search in FAISS: an {@code IndexIDMap2} over an {@code IndexFlatIP}. Upsert is
 * remove-then-add (FAISS has no replace); within one upsert the last vector of a repeated id wins.
 *
 * <p>Native memory: both FAISS objects are allocated from Java and owned here; {@link #close()} deletes the
 * id map first (it holds a raw pointer to the flat index, {@code own_fields=false}), then the flat index.
 * Every call's temporary buffers are freed before it returns.
 *
 * <p>Threading as {@link VectorIndex} states: concurrent searches are safe, writes are not.
 */
public final class FaissVectorIndex implements VectorIndex {
    /** The kind written in its snapshots. */
    public static final String SNAPSHOT_KIND = "faiss-flat-idmap";

    private final int dimension;
    private final long minVectorsPerScanThread;
    private IndexFlatIP flat;
    private IndexIDMap2 idMap;

    public FaissVectorIndex(int dimension) {
        this(dimension, SplitFlatScan.MIN_VECTORS_PER_PART);
    }

    /** Tests split single-query scans of small indexes with a small {@code minVectorsPerScanThread}. */
    FaissVectorIndex(int dimension, long minVectorsPerScanThread) {
        this.minVectorsPerScanThread = minVectorsPerScanThread;
        this.dimension = Vectors.checkDimension(dimension);
        FaissNative.load();
        flat = new IndexFlatIP(dimension);
        idMap = new IndexIDMap2(flat);
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public long size() {
        return open().ntotal();
    }

    @Override
    public void upsert(long[] ids, float[] vectors) {
        IndexIDMap2 index = open();
        Vectors.checkUpsert(ids, vectors, dimension);
        if (ids.length == 0) {
            return;
        }
        UpsertBatch batch = UpsertBatch.lastRowWins(ids, vectors, dimension);
        remove(batch.ids()); // FAISS has no replace: remove the ids it holds, then add
        BufferedAdd.addWithIds(index, batch.rows(), batch.ids(), batch.count(), dimension);
    }

    /**
     * The ids the index holds. Replacing only those matters: FAISS's remove_ids scans the whole index and
     * rebuilds the id map's reverse map, and most upserts carry only new ids.
     */
    private static long[] present(IndexIDMap2 index, long[] ids) {
        if (index.ntotal() == 0) {
            return new long[0];
        }
        try (LongPointer candidates = new LongPointer(ids);
                LongPointer found = new LongPointer(ids.length)) {
            int count = (int) Faiss.id_map2_present(index, candidates, ids.length, found);
            long[] present = new long[count];
            found.get(present);
            return present;
        }
    }

    @Override
    public long remove(long[] ids) {
        IndexIDMap2 index = open();
        long[] present = present(index, ids);
        if (present.length == 0) {
            return 0; // nothing to do, and no scan of the whole index for it
        }
        try (LongPointer idPointer = new LongPointer(present);
                IDSelectorBatch selector = new IDSelectorBatch(present.length, idPointer)) {
            return index.remove_ids(selector);
        }
    }

    @Override
    public List<Neighbors> search(float[] queries, int k) {
        IndexIDMap2 index = open();
        int n = Vectors.checkSearch(queries, k, dimension);
        long stored = index.ntotal();
        int kEffective = (int) Math.min(k, stored);
        List<Neighbors> results = new ArrayList<>(n);
        if (kEffective == 0) {
            for (int q = 0; q < n; q++) {
                results.add(new Neighbors(new long[0], new float[0]));
            }
            return results;
        }
        long[] labels = new long[n * kEffective];
        float[] distances = new float[n * kEffective];
        if (n == 1 && stored >= minVectorsPerScanThread) {
            // One query over a large index: BLAS scores instead of FAISS's scalar kernel, and the scan
            // split over FAISS's threads, which FAISS would give one thread (SplitFlatScan).
            int parts = SplitFlatScan.parts(stored, FaissNative.threads(), minVectorsPerScanThread);
            SplitFlatScan.search(flat.get_xb(), stored, dimension, queries, kEffective, parts, distances, labels);
            try (LongPointer rows = new LongPointer(labels)) {
                Faiss.id_map_translate(index, rows, labels.length);
                rows.get(labels);
            }
        } else {
            try (FloatPointer queryPointer = new FloatPointer(queries);
                    FloatPointer distancePointer = new FloatPointer(distances.length);
                    LongPointer labelPointer = new LongPointer(labels.length)) {
                index.search(n, queryPointer, kEffective, distancePointer, labelPointer);
                distancePointer.get(distances);
                labelPointer.get(labels);
            }
        }
        for (int q = 0; q < n; q++) {
            int count = 0;
            while (count < kEffective && labels[q * kEffective + count] != NO_ID) {
                count++;
            }
            long[] ids = new long[count];
            float[] scores = new float[count];
            System.arraycopy(labels, q * kEffective, ids, 0, count);
            System.arraycopy(distances, q * kEffective, scores, 0, count);
            results.add(new Neighbors(ids, scores));
        }
        return results;
    }

    @Override
    public List<Neighbors> rangeSearch(float[] queries, float threshold, SearchParams params) {
        IndexIDMap2 index = open();
        int n = Vectors.checkSearch(queries, 1, dimension);
        return FaissRangeSearch.run(index, queries, n, threshold, false, params, id -> id);
    }

    /**
     * Snapshot fields: dimension, count, the ids, then the vectors in the same order. A flat index has
     * no structure worth saving: restoring re-adds the vectors, a memory copy.
     */
    @Override
    public void writeSnapshot(OutputStream stream) throws IOException {
        IndexIDMap2 index = open();
        DataOutputStream out = new DataOutputStream(stream);
        SnapshotCodec.writeHeader(out, SNAPSHOT_KIND);
        int count = Math.toIntExact(index.ntotal());
        out.writeInt(dimension);
        out.writeLong(count);
        long[] ids = new long[count];
        float[] vectors = new float[Math.multiplyExact(count, dimension)];
        if (count > 0) {
            try (LongPointer idPointer = index.id_map()) {
                idPointer.get(ids);
            }
            flat.get_xb().get(vectors);
        }
        SnapshotCodec.writeLongs(out, ids, count);
        SnapshotCodec.writeFloats(out, vectors, vectors.length);
        out.flush();
    }

    /** Upserts every stored vector, under its id, into {@code target}. */
    void copyTo(VectorIndex target) {
        IndexIDMap2 index = open();
        int count = Math.toIntExact(index.ntotal());
        if (count == 0) {
            return;
        }
        long[] ids = new long[count];
        float[] vectors = new float[Math.multiplyExact(count, dimension)];
        try (LongPointer idPointer = index.id_map()) {
            idPointer.get(ids);
        }
        flat.get_xb().get(vectors);
        target.upsert(ids, vectors);
    }

    /** Reads the fields {@link #writeSnapshot} wrote after the header. */
    public static FaissVectorIndex readSnapshot(DataInputStream in) throws IOException {
        int dimension = in.readInt();
        int count = SnapshotCodec.readCount(in, "vectors");
        long[] ids = SnapshotCodec.readLongs(in, count);
        float[] vectors = SnapshotCodec.readFloats(in, Math.multiplyExact(count, dimension));
        FaissVectorIndex index = new FaissVectorIndex(dimension);
        try {
            index.upsert(ids, vectors);
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
        return index;
    }

    /** The FAISS index itself, for {@link VectorIndexes#writeFaissIndex}; owned here, not to be closed. */
    FaissIndex faissIndex() {
        return open();
    }

    @Override
    public void close() {
        if (idMap != null) {
            idMap.close();
            idMap = null;
        }
        if (flat != null) {
            flat.close();
            flat = null;
        }
    }

    private IndexIDMap2 open() {
        if (idMap == null) {
            throw new IllegalStateException("FAISS index is closed");
        }
        return idMap;
    }
}
