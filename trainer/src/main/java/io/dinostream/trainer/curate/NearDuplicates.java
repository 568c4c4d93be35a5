package io.dinostream.trainer.curate;

import io.dinostream.index.vector.Neighbors;
import io.dinostream.index.vector.VectorIndex;
import java.util.List;

/**
 * Exact and near-duplicate detection by embedding similarity: two images are duplicates when the cosine
 * similarity of their (L2-normalised) embeddings exceeds a threshold, found with FAISS range search;
 * duplicates are grouped transitively and the first image of each group (the smallest pool index) is kept.
 */
public final class NearDuplicates {
    private static final int QUERY_BATCH = 1024;

    private NearDuplicates() {}

    /**
     * The duplicate groups of a pool.
     *
     * @param keeper per image, the image kept for its group (itself when it is kept)
     */
    public record Groups(int[] keeper) {
        public boolean removed(int i) {
            return keeper[i] != i;
        }

        public int removedCount() {
            int count = 0;
            for (int i = 0; i < keeper.length; i++) {
                count += removed(i) ? 1 : 0;
            }
            return count;
        }

        /** Groups with more than one member. */
        public int duplicateGroups() {
            boolean[] hasCopy = new boolean[keeper.length];
            int count = 0;
            for (int i = 0; i < keeper.length; i++) {
                if (removed(i) && !hasCopy[keeper[i]]) {
                    hasCopy[keeper[i]] = true;
                    count++;
                }
            }
            return count;
        }
    }

    /** Groups the pool's near-duplicates: pairs with cosine similarity above {@code threshold}. */
    public static Groups within(float[][] vectors, float threshold, CurationProgress progress) {
        int n = vectors.length;
        UnionFind sets = new UnionFind(n);
        if (n > 0) {
            int dim = vectors[0].length;
            try (VectorIndex index = NeighbourIndexChoice.build(vectors, dim)) {
                for (int from = 0; from < n; from += QUERY_BATCH) {
                    int to = Math.min(n, from + QUERY_BATCH);
                    List<Neighbors> hits = index.rangeSearch(
                            NeighbourIndexChoice.flatten(vectors, from, to, dim),
                            threshold,
                            NeighbourIndexChoice.searchParams());
                    for (int q = from; q < to; q++) {
                        Neighbors near = hits.get(q - from);
                        for (int r = 0; r < near.size(); r++) {
                            sets.union(q, (int) near.id(r));
                        }
                    }
                    progress.update("near-duplicates", to, n);
                }
            }
        }
        int[] keeper = new int[n];
        for (int i = 0; i < n; i++) {
            keeper[i] = sets.find(i);
        }
        return new Groups(keeper);
    }

    /**
     * Which pool images are near-copies of a protected set (an evaluation set that must not leak into
     * training): cosine similarity above {@code threshold} to any of its images.
     */
    public static boolean[] nearCopiesOf(
            float[][] pool, float[][] protectedSet, float threshold, CurationProgress progress) {
        boolean[] copies = new boolean[pool.length];
        if (pool.length == 0 || protectedSet.length == 0) {
            return copies;
        }
        int dim = protectedSet[0].length;
        try (VectorIndex index = NeighbourIndexChoice.build(protectedSet, dim)) {
            for (int from = 0; from < pool.length; from += QUERY_BATCH) {
                int to = Math.min(pool.length, from + QUERY_BATCH);
                List<Neighbors> hits = index.rangeSearch(
                        NeighbourIndexChoice.flatten(pool, from, to, dim),
                        threshold,
                        NeighbourIndexChoice.searchParams());
                for (int q = from; q < to; q++) {
                    copies[q] = hits.get(q - from).size() > 0;
                }
                progress.update("evaluation-set copies", to, pool.length);
            }
        }
        return copies;
    }
}
