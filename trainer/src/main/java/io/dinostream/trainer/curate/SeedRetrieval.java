package io.dinostream.trainer.curate;

import io.dinostream.index.vector.Neighbors;
import io.dinostream.index.vector.VectorIndex;
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
    public static boolean[] nearest(float[][] pool, float[][] seeds, int k, CurationProgress progress) {
        boolean[] kept = new boolean[pool.length];
        if (pool.length == 0 || seeds.length == 0) {
            return kept;
        }
        int dim = pool[0].length;
        try (VectorIndex index = NeighbourIndexChoice.build(pool, dim)) {
            for (int from = 0; from < seeds.length; from += QUERY_BATCH) {
                int to = Math.min(seeds.length, from + QUERY_BATCH);
                List<Neighbors> hits = index.search(
                        NeighbourIndexChoice.flatten(seeds, from, to, dim), k, NeighbourIndexChoice.searchParams());
                for (Neighbors near : hits) {
                    for (int r = 0; r < near.size(); r++) {
                        kept[(int) near.id(r)] = true;
                    }
                }
                progress.update("retrieval", to, seeds.length);
            }
        }
        return kept;
    }

    /**
     * Pool images sampled from the clusters of the seeds: each seed draws {@code perSeed} images (without
     * replacement, seeded) from the pool cluster whose centroid is nearest to it.
     *
     * @param clusterOf each pool image's cluster
     * @param centroids {@code k * dim} floats, row-major
     */
    public static boolean[] fromSeedClusters(
            float[][] pool, int[] clusterOf, float[] centroids, float[][] seeds, int perSeed, long seed) {
        boolean[] kept = new boolean[pool.length];
        if (pool.length == 0 || seeds.length == 0) {
            return kept;
        }
        int dim = pool[0].length;
        int k = centroids.length / dim;
        List<List<Integer>> members = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            members.add(new ArrayList<>());
        }
        for (int i = 0; i < pool.length; i++) {
            members.get(clusterOf[i]).add(i);
        }
        Random random = new Random(seed);
        for (float[] s : seeds) {
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
