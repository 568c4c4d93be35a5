package io.dinostream.index.faiss;

import io.dinostream.index.faiss.binding.FaissIndex;
import io.dinostream.index.faiss.binding.IndexFlatIP;
import io.dinostream.index.faiss.binding.IndexFlatL2;
import io.dinostream.index.faiss.binding.global.Faiss;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;

/**
 * k-means with FAISS ({@code faiss::kmeans_clustering}, the k-means behind IVF training and DINOv2's data curation),
 * then every vector assigned to its nearest centroid. Spherical k-means (unit centroids, inner product)
 * suits L2-normalised embeddings; plain k-means uses L2.
 *
 * <p>Native memory: the assignment index and the pointers live only inside {@link #cluster} and are closed
 * there.
 */
public final class FaissKMeans {
    private static final int ASSIGN_BATCH = 65_536;

    /**
     * @param k clusters
     * @param seed orders the vectors before clustering, which decides FAISS's initial centroids and
     *     subsample (FAISS's own seed is fixed): the same seed gives the same clusters
     * @param spherical unit-length centroids and inner-product assignment
     */
    public record Options(int k, long seed, boolean spherical) {
        public Options {
            if (k < 1) {
                throw new IllegalArgumentException("k-means needs k >= 1, got " + k);
            }
        }

        public static Options spherical(int k, long seed) {
            return new Options(k, seed, true);
        }
    }

    /**
     * @param centroids {@code k * dimension} floats, row-major
     * @param assignment per vector, its centroid
     * @param score per vector, its inner product with (spherical) or squared distance to (plain) its centroid
     */
    public record Result(int k, int dimension, float[] centroids, int[] assignment, float[] score) {
        public int[] sizes() {
            int[] sizes = new int[k];
            for (int a : assignment) {
                sizes[a]++;
            }
            return sizes;
        }
    }

    private FaissKMeans() {}

    /** The rows in a seeded random order. */
    private static float[] seededOrder(float[] rows, int dimension, long seed) {
        int n = rows.length / dimension;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Random random = new java.util.Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        float[] out = new float[rows.length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows, order[i] * dimension, out, i * dimension, dimension);
        }
        return out;
    }

    private static void normaliseRows(float[] rows, int dimension) {
        for (int r = 0; r < rows.length; r += dimension) {
            double norm = 0;
            for (int j = 0; j < dimension; j++) {
                norm += rows[r + j] * rows[r + j];
            }
            if (norm > 0) {
                float inv = (float) (1 / Math.sqrt(norm));
                for (int j = 0; j < dimension; j++) {
                    rows[r + j] *= inv;
                }
            }
        }
    }

    /**
     * Clusters {@code vectors} ({@code n * dimension} floats, row-major) into {@code options.k()} clusters.
     *
     * @throws IllegalArgumentException if there are fewer vectors than clusters
     */
    public static Result cluster(float[] vectors, int dimension, Options options) {
        if (dimension < 1 || vectors.length % dimension != 0) {
            throw new IllegalArgumentException(vectors.length + " floats are not vectors of " + dimension);
        }
        int n = vectors.length / dimension;
        if (n < options.k()) {
            throw new IllegalArgumentException(n + " vectors cannot make " + options.k() + " clusters");
        }
        FaissNative.load();
        float[] centroids = new float[options.k() * dimension];
        // faiss::kmeans_clustering: Lloyd's k-means with FAISS's defaults (25 iterations, its fixed seed, at
        // most 256 points per centroid). Our binding's Clustering object crashes on train and on
        // deallocation (FAISS 1.7.3 through JavaCPP), so the one-call API is used instead.
        Faiss.kmeans_clustering(dimension, n, options.k(), seededOrder(vectors, dimension, options.seed()), centroids);
        if (options.spherical()) {
            normaliseRows(centroids, dimension);
        }
        try (Assigner assigner = new Assigner(centroids, dimension, options.spherical())) {
            int[] assignment = new int[n];
            float[] score = new float[n];
            for (int from = 0; from < n; from += ASSIGN_BATCH) {
                int count = Math.min(ASSIGN_BATCH, n - from);
                assigner.assign(
                        java.util.Arrays.copyOfRange(vectors, from * dimension, (from + count) * dimension),
                        assignment,
                        score,
                        from);
            }
            return new Result(options.k(), dimension, centroids, assignment, score);
        }
    }

    /**
     * Assigns vectors to the nearest of fixed centroids (inner product when spherical, else L2), chunk by
     * chunk: how a pool too large to cluster whole gets its clusters from centroids trained on a sample.
     * Owns a FAISS flat index.
     */
    public static final class Assigner implements AutoCloseable {
        private final int dimension;
        private final FaissIndex index;

        /** @param centroids {@code k * dimension} floats, row-major */
        public Assigner(float[] centroids, int dimension, boolean spherical) {
            FaissNative.load();
            this.dimension = dimension;
            this.index = spherical ? new IndexFlatIP(dimension) : new IndexFlatL2(dimension);
            try (FloatPointer pointer = new FloatPointer(centroids)) {
                index.add(centroids.length / dimension, pointer);
            } catch (RuntimeException e) {
                index.close();
                throw e;
            }
        }

        /**
         * Writes the nearest centroid of each row of {@code vectors} (and its inner product or squared
         * distance) to {@code assignment} and {@code score} from position {@code offset}.
         */
        public void assign(float[] vectors, int[] assignment, float[] score, int offset) {
            int count = vectors.length / dimension;
            try (FloatPointer queries = new FloatPointer(vectors);
                    FloatPointer distances = new FloatPointer(count);
                    LongPointer labels = new LongPointer(count)) {
                index.search(count, queries, 1, distances, labels);
                for (int i = 0; i < count; i++) {
                    assignment[offset + i] = (int) labels.get(i);
                    if (score != null) {
                        score[offset + i] = distances.get(i);
                    }
                }
            }
        }

        @Override
        public void close() {
            index.close();
        }
    }
}
