package io.dinostream.trainer.curate;

import io.dinostream.index.vector.Neighbors;
import io.dinostream.index.vector.VectorIndex;
import io.dinostream.trainer.curate.vectors.VectorSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Retrieval around curated seed images (DINOv2's "retrieval" step): with a large seed set, each seed keeps
 * its {@code k} nearest pool images; with a small one, each seed keeps a random sample of the pool cluster
 * its embedding falls in, which reaches further than a handful of nearest neighbours.
 */
public final class SeedRetrieval {
    private static final int QUERY_BATCH = 1024;

    private SeedRetrieval() {}

    /** Pool images among the {@code k} nearest neighbours of some seed. */
    public static boolean[] nearest(VectorSource pool, VectorSource seeds, int k, CurationProgress progress) {
        boolean[] kept = new boolean[pool.size()];
        if (pool.size() == 0 || seeds.size() == 0) {
            return kept;
        }
        try (VectorIndex index = NeighbourIndexChoice.build(pool)) {
            for (int from = 0; from < seeds.size(); from += QUERY_BATCH) {
                int to = Math.min(seeds.size(), from + QUERY_BATCH);
                List<Neighbors> hits = index.search(seeds.read(from, to), k, NeighbourIndexChoice.searchParams());
                for (Neighbors near : hits) {
                    for (int r = 0; r < near.size(); r++) {
                        kept[(int) near.id(r)] = true;
                    }
                }
                progress.update("retrieval", to, seeds.size());
            }
        }
        return kept;
    }

    /**
     * Pool images sampled from the clusters of the seeds: each seed draws {@code perSeed} images (without
     * replacement, seeded) from the pool cluster whose centroid is nearest to it.
     *
     * @param clusterOf each pool image's cluster (so its length is the pool's size)
     * @param centroids {@code k * dim} floats, row-major
     */
    public static boolean[] fromSeedClusters(
            int[] clusterOf, float[] centroids, VectorSource seeds, int perSeed, long seed) {
        boolean[] kept = new boolean[clusterOf.length];
        if (clusterOf.length == 0 || seeds.size() == 0) {
            return kept;
        }
        int dim = seeds.dimension();
        int k = centroids.length / dim;
        List<List<Integer>> members = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            members.add(new ArrayList<>());
        }
        for (int i = 0; i < clusterOf.length; i++) {
            members.get(clusterOf[i]).add(i);
        }
        Random random = new Random(seed);
        float[] s = new float[dim];
        for (int q = 0; q < seeds.size(); q++) {
            seeds.read(q, q + 1, s);
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double score = 0;
                for (int j = 0; j < dim; j++) {
                    score += s[j] * centroids[c * dim + j];
                }
                if (score > bestScore) {
                    bestScore = score;
                    best = c;
                }
            }
            List<Integer> candidates = new ArrayList<>(members.get(best));
            Collections.shuffle(candidates, random);
            for (int i : candidates.subList(0, Math.min(perSeed, candidates.size()))) {
                kept[i] = true;
            }
        }
        return kept;
    }
}
