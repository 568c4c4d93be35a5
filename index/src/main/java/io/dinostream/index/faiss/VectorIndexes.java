package io.dinostream.index.faiss;

import io.dinostream.index.vector.BruteForceVectorIndex;
import io.dinostream.index.vector.SnapshotCodec;
import io.dinostream.index.vector.VectorIndex;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/** Builds the configured {@link VectorIndex} of the index role, and restores any index from a snapshot. */
public final class VectorIndexes {
    private VectorIndexes() {}

    /**
     * {@code Flat} is the exact {@link FaissVectorIndex} (IDMap2 over IndexFlatIP); any other factory
     * string is a {@link FactoryVectorIndex} with inner product, trained after {@code trainSize} vectors.
     *
     * @throws IllegalArgumentException if FAISS does not understand the factory string for this dimension
     */
    public static VectorIndex create(int dimension, String faissFactory, int trainSize) {
        return create(dimension, faissFactory, FactoryVectorIndex.Metric.INNER_PRODUCT, trainSize);
    }

    /**
     * As {@link #create(int, String, int)} for either metric. {@link FaissVectorIndex} is inner product
     * only, so {@code Flat} with {@link FactoryVectorIndex.Metric#L2} is a {@link FactoryVectorIndex}.
     */
    public static VectorIndex create(
            int dimension, String faissFactory, FactoryVectorIndex.Metric metric, int trainSize) {
        String factory = faissFactory.trim();
        if (factory.equals("Flat") && metric == FactoryVectorIndex.Metric.INNER_PRODUCT) {
            return new FaissVectorIndex(dimension);
        }
        return new FactoryVectorIndex(dimension, factory, metric, trainSize);
    }

    /**
     * As {@link #create(int, String, FactoryVectorIndex.Metric, int)}, searching on {@code device}. On a
     * GPU every factory string, {@code Flat} included, is a {@link FactoryVectorIndex} whose k-NN searches
     * run on a GPU copy (device 0); index types FAISS cannot put on a GPU (HNSW) search on the CPU.
     *
     * @throws IllegalStateException if {@code device} is {@link IndexDevice#GPU} and no GPU is usable
     */
    public static VectorIndex create(
            int dimension, String faissFactory, FactoryVectorIndex.Metric metric, int trainSize, IndexDevice device) {
        if (!device.useGpu()) {
            return create(dimension, faissFactory, metric, trainSize);
        }
        FactoryVectorIndex index = new FactoryVectorIndex(dimension, faissFactory.trim(), metric, trainSize);
        try {
            index.searchOn(GpuReplica.open(0, false));
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
        return index;
    }

    /**
     * {@code index} searching on {@code device}: a restored snapshot, say. A {@link FactoryVectorIndex} gets
     * a GPU replica; an exact {@link FaissVectorIndex} is copied into a {@code Flat} {@link
     * FactoryVectorIndex} first (and closed). On the CPU, or for other implementations, {@code index}
     * itself.
     */
    public static VectorIndex onDevice(VectorIndex index, IndexDevice device) {
        if (!device.useGpu() || !(index instanceof FactoryVectorIndex || index instanceof FaissVectorIndex)) {
            return index;
        }
        GpuReplica replica = GpuReplica.open(0, false); // first: if it fails, index is untouched
        try {
            FactoryVectorIndex factory =
                    index instanceof FactoryVectorIndex existing ? existing : copyToFactory((FaissVectorIndex) index);
            factory.searchOn(replica);
            return factory;
        } catch (RuntimeException e) {
            replica.close();
            throw e;
        }
    }

    /** A {@code Flat} factory index holding {@code flat}'s vectors; closes {@code flat} once copied. */
    private static FactoryVectorIndex copyToFactory(FaissVectorIndex flat) {
        FactoryVectorIndex factory = new FactoryVectorIndex(
                flat.dimension(), "Flat", FactoryVectorIndex.Metric.INNER_PRODUCT, Integer.MAX_VALUE);
        try {
            flat.copyTo(factory);
        } catch (RuntimeException e) {
            factory.close();
            throw e;
        }
        flat.close();
        return factory;
    }

    /** Whether {@code index}'s k-NN searches ran on a GPU copy at its last search. */
    public static boolean searchesOnGpu(VectorIndex index) {
        return index instanceof FactoryVectorIndex factory && factory.searchesOnGpu();
    }

    /**
     * The factory string an index was created from ({@code Flat} for the exact FAISS index), to tell
     * whether a snapshot still matches the configuration.
     */
    public static String factoryOf(VectorIndex index) {
        if (index instanceof FactoryVectorIndex factory) {
            return factory.description();
        }
        if (index instanceof FaissVectorIndex) {
            return "Flat";
        }
        return index.getClass().getSimpleName();
    }

    /**
     * Writes the FAISS index inside {@code index} to {@code file} in FAISS's own format, so that other
     * FAISS programs (python3-faiss in {@code bench index}) can search the very same index. Labels are
     * FAISS's: the ids for {@code Flat}, internal row numbers for a {@link FactoryVectorIndex} (equal to
     * the ids when they were added once, in order, from 0).
     *
     * @throws IllegalArgumentException if {@code index} holds no FAISS index
     */
    public static void writeFaissIndex(VectorIndex index, Path file) {
        if (index instanceof FactoryVectorIndex factory) {
            FaissIndexes.writeFile(factory.faissIndex(), file);
        } else if (index instanceof FaissVectorIndex flat) {
            FaissIndexes.writeFile(flat.faissIndex(), file);
        } else {
            throw new IllegalArgumentException(index.getClass().getSimpleName() + " holds no FAISS index");
        }
    }

    /**
     * Restores an index from the bytes any implementation's {@link VectorIndex#writeSnapshot} wrote.
     *
     * @throws IOException if the bytes are truncated, of an unknown kind or version, or FAISS rejects them
     */
    public static VectorIndex readSnapshot(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(stream, 1 << 16));
        String kind = SnapshotCodec.readHeader(in);
        return switch (kind) {
            case FactoryVectorIndex.SNAPSHOT_KIND -> FactoryVectorIndex.readSnapshot(in);
            case FaissVectorIndex.SNAPSHOT_KIND -> FaissVectorIndex.readSnapshot(in);
            case BruteForceVectorIndex.SNAPSHOT_KIND -> BruteForceVectorIndex.readSnapshot(in);
            default -> throw new IOException("unknown vector index snapshot kind '" + kind + "'");
        };
    }
}
