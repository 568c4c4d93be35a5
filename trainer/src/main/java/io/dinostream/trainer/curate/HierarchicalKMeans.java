package io.dinostream.trainer.curate;

import io.dinostream.index.faiss.FaissKMeans;
import io.dinostream.trainer.curate.vectors.VectorSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Hierarchical k-means, bottom-up as in Vo et al. (2024): the vectors are clustered into {@code k[0]}
 * clusters, those clusters' centroids into {@code k[1]}, and so on; balanced sampling then walks the tree
 * top-down. One level is plain k-means. Spherical (the vectors are L2-normalised embeddings).
 */
public final class HierarchicalKMeans {
    /**
     * @param levels finest first: {@code levels.get(0)[i]} is vector {@code i}'s cluster, {@code levels.get(l)[c]}
     *     the level-{@code l} cluster of level-{@code (l-1)} cluster {@code c}
     * @param sizes per level, the number of vectors in each of its clusters
     * @param centroids the finest level's centroids, row-major
     */
    public record Tree(List<int[]> levels, List<int[]> sizes, float[] centroids) {
        /** The finest cluster of each vector. */
        public int[] clusterOf() {
            return levels.get(0);
        }
    }

    private HierarchicalKMeans() {}

    /**
     * Rows the finest level's centroids are trained on at most: FAISS itself uses at most 256 per
     * centroid, and a bounded sample keeps a pool of millions off the heap. Every row is then assigned to
     * its nearest centroid, streamed chunk by chunk.
     */
    public static final int TRAINING_SAMPLE = 262_144;

    /** @param ks clusters per level, finest first, each at most the number of items it clusters */
    public static Tree build(VectorSource vectors, int[] ks, long seed, CurationProgress progress) {
        return build(vectors, ks, seed, progress, TRAINING_SAMPLE);
    }

    /** As above, training the finest centroids on at most {@code trainingSample} rows. */
    static Tree build(VectorSource vectors, int[] ks, long seed, CurationProgress progress, int trainingSample) {
        List<int[]> levels = new ArrayList<>();
        List<int[]> sizes = new ArrayList<>();
        int dimension = vectors.dimension();
        int n = vectors.size();
        int k0 = Math.min(ks[0], n);
        float[] centroids = FaissKMeans.cluster(
                        vectors.sample(Math.max(k0, Math.min(n, trainingSample))),
                        dimension,
                        FaissKMeans.Options.spherical(k0, seed))
                .centroids();
        int[] assignment = new int[n];
        try (FaissKMeans.Assigner assigner = new FaissKMeans.Assigner(centroids, dimension, true)) {
            for (int from = 0; from < n; from += VectorSource.CHUNK) {
                int to = Math.min(n, from + VectorSource.CHUNK);
                assigner.assign(vectors.read(from, to), assignment, null, from);
                progress.update("k-means", to, n);
            }
        }
        int[] size = new int[k0];
        for (int a : assignment) {
            size[a]++;
        }
        levels.add(assignment);
        sizes.add(size);
        // Higher levels cluster the centroids below them (few), and count vectors through their members.
        float[] points = centroids;
        for (int l = 1; l < ks.length; l++) {
            int k = Math.min(ks[l], points.length / dimension);
            FaissKMeans.Result result =
                    FaissKMeans.cluster(points, dimension, FaissKMeans.Options.spherical(k, seed + l));
            levels.add(result.assignment());
            int[] lower = sizes.get(l - 1);
            int[] upper = new int[k];
            for (int c = 0; c < result.assignment().length; c++) {
                upper[result.assignment()[c]] += lower[c];
            }
            sizes.add(upper);
            points = result.centroids();
            progress.update("k-means upper levels", l, ks.length - 1);
        }
        return new Tree(levels, sizes, centroids);
    }
}
