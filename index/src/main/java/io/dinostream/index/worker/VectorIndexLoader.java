package io.dinostream.index.worker;

import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.index.faiss.FactoryVectorIndex.Metric;
import io.dinostream.index.faiss.VectorIndexes;
import io.dinostream.index.store.CorruptStoreException;
import io.dinostream.index.store.IndexStore;
import io.dinostream.index.store.SnapshotManifest;
import io.dinostream.index.vector.VectorIndex;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the FAISS index back at start: from the newest snapshot in the store plus the vector changes
 * logged after it, or, when there is no usable snapshot (none yet, another factory string or dimension,
 * unreadable), by re-adding every stored vector.
 */
final class VectorIndexLoader {
    private static final Logger LOG = LoggerFactory.getLogger(VectorIndexLoader.class);
    private static final int CHUNK = 4096;

    /** How the index was brought back, for logs, metrics and tests. */
    record Loaded(VectorIndex index, long snapshotNumber, long replayedChanges, long rebuiltVectors, long millis) {
        static final long NO_SNAPSHOT = -1;

        boolean fromSnapshot() {
            return snapshotNumber != NO_SNAPSHOT;
        }
    }

    private VectorIndexLoader() {}

    /** Null when the store holds no vectors yet (the space is not fixed). */
    static Loaded load(IndexStore store, IndexWorkerOptions options) {
        Optional<EmbeddingSpec> spec = store.embeddingSpec();
        if (spec.isEmpty()) {
            return null;
        }
        long started = System.nanoTime();
        int dimension = spec.get().dimension();
        Optional<SnapshotManifest> snapshot = store.latestSnapshot();
        if (snapshot.isPresent()) {
            SnapshotManifest manifest = snapshot.get();
            if (!manifest.factory().equals(options.faissFactory().trim()) || manifest.dimension() != dimension) {
                LOG.info(
                        "snapshot {} is of '{}' dimension {}, configured '{}' dimension {}: rebuilding",
                        manifest.number(),
                        manifest.factory(),
                        manifest.dimension(),
                        options.faissFactory(),
                        dimension);
            } else {
                VectorIndex index = onDevice(readSnapshot(store, manifest), options);
                if (index != null) {
                    long replayed;
                    try {
                        replayed = replay(store, index, manifest.changesCovered());
                    } catch (RuntimeException e) {
                        index.close(); // the loader owns the index until it returns it
                        throw e;
                    }
                    Loaded loaded = new Loaded(
                            index, manifest.number(), replayed, 0, (System.nanoTime() - started) / 1_000_000);
                    LOG.info(
                            "loaded FAISS snapshot {} ({} vectors, {} bytes, covering {}) and replayed {} later changes"
                                    + " in {} ms",
                            manifest.number(),
                            manifest.vectors(),
                            manifest.bytes(),
                            manifest.offsets(),
                            replayed,
                            loaded.millis());
                    return loaded;
                }
            }
        }
        VectorIndex index = rebuild(store, options, dimension);
        Loaded loaded =
                new Loaded(index, Loaded.NO_SNAPSHOT, 0, index.size(), (System.nanoTime() - started) / 1_000_000);
        LOG.info(
                "rebuilt FAISS from {}: {} vectors of space {} in {} ms",
                store.directory(),
                index.size(),
                spec.get().spaceKey(),
                loaded.millis());
        return loaded;
    }

    /** {@code index} (null passes through) searching on the configured device; closes it if that fails. */
    private static VectorIndex onDevice(VectorIndex index, IndexWorkerOptions options) {
        if (index == null) {
            return null;
        }
        try {
            return VectorIndexes.onDevice(index, options.device());
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
    }

    /** The snapshot's index, or null (logged) if it cannot be read: the caller rebuilds instead. */
    private static VectorIndex readSnapshot(IndexStore store, SnapshotManifest manifest) {
        try (InputStream in = store.openSnapshot(manifest)) {
            return VectorIndexes.readSnapshot(in);
        } catch (IOException | RuntimeException e) {
            LOG.warn("snapshot {} is unreadable, rebuilding from the stored vectors instead", manifest.number(), e);
            return null;
        }
    }

    /**
     * Applies the changes logged from {@code from} on: each changed id gets its vector as stored now, or is
     * removed if it has none (numeric ids are never reused, so the current state is the final one).
     */
    private static long replay(IndexStore store, VectorIndex index, long from) {
        Set<Long> changed = new LinkedHashSet<>();
        long[] count = {0};
        store.forEachChangeSince(from, id -> {
            changed.add(id);
            count[0]++;
        });
        long[] ids = new long[CHUNK];
        float[] rows = new float[CHUNK * index.dimension()];
        int filled = 0;
        for (long id : changed) {
            Optional<float[]> vector = store.imageId(id).flatMap(store::vector);
            if (vector.isEmpty() || vector.get().length != index.dimension()) {
                index.remove(new long[] {id});
                continue;
            }
            ids[filled] = id;
            System.arraycopy(vector.get(), 0, rows, filled * index.dimension(), index.dimension());
            if (++filled == CHUNK) {
                index.upsert(ids, rows);
                filled = 0;
            }
        }
        if (filled > 0) {
            index.upsert(Arrays.copyOf(ids, filled), Arrays.copyOf(rows, filled * index.dimension()));
        }
        return count[0];
    }

    /** Builds the FAISS index from every stored vector. */
    private static VectorIndex rebuild(IndexStore store, IndexWorkerOptions options, int dimension) {
        VectorIndex index = VectorIndexes.create(
                dimension, options.faissFactory(), Metric.INNER_PRODUCT, options.trainSize(), options.device());
        try {
            long[] ids = new long[CHUNK];
            float[] flat = new float[CHUNK * dimension];
            int[] filled = {0};
            store.forEachVector((imageId, numericId, vector) -> {
                if (vector.length != dimension) {
                    throw new CorruptStoreException("stored vector of '" + imageId + "' has " + vector.length
                            + " floats, the store's space has " + dimension);
                }
                ids[filled[0]] = numericId;
                System.arraycopy(vector, 0, flat, filled[0] * dimension, dimension);
                if (++filled[0] == CHUNK) {
                    index.upsert(ids, flat);
                    filled[0] = 0;
                }
            });
            if (filled[0] > 0) {
                index.upsert(Arrays.copyOf(ids, filled[0]), Arrays.copyOf(flat, filled[0] * dimension));
            }
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
        return index;
    }
}
