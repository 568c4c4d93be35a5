package io.dinostream.trainer.curate;

import io.dinostream.index.faiss.FaissKMeans;
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
     */
    public record Tree(List<int[]> levels, List<int[]> sizes) {
        /** The finest cluster of each vector. */
        public int[] clusterOf() {
            return levels.get(0);
        }
    }

    private HierarchicalKMeans() {}

    /**
     * @param vectors {@code n} vectors, row-major
     * @param ks clusters per level, finest first, each at most the number of items it clusters
     */
    public static Tree build(float[] vectors, int dimension, int[] ks, long seed, CurationProgress progress) {
        List<int[]> levels = new ArrayList<>();
        List<int[]> sizes = new ArrayList<>();
        float[] points = vectors;
        for (int l = 0; l < ks.length; l++) {
            int n = points.length / dimension;
            int k = Math.min(ks[l], n);
            FaissKMeans.Result result =
                    FaissKMeans.cluster(points, dimension, FaissKMeans.Options.spherical(k, seed + l));
            levels.add(result.assignment());
            // Sizes in vectors: the first level counts vectors; higher levels add up their members.
            int[] assignment = result.assignment();
            int[] size = new int[k];
            if (l == 0) {
                for (int a : assignment) {
                    size[a]++;
                }
            } else {
                int[] lower = sizes.get(l - 1);
                for (int c = 0; c < assignment.length; c++) {
                    size[assignment[c]] += lower[c];
                }
            }
            sizes.add(size);
            points = result.centroids();
            progress.update("k-means", l + 1, ks.length);
        }
        return new Tree(levels, sizes);
    }
}
