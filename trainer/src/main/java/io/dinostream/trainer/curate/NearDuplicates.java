package io.dinostream.trainer.curate;

import io.dinostream.index.vector.Neighbors;
import io.dinostream.index.vector.VectorIndex;
import io.dinostream.trainer.curate.vectors.VectorSource;
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

        /** The groups of disjoint sets: each kept by its smallest member. */
        static Groups of(UnionFind sets) {
            int[] keeper = new int[sets.size()];
            for (int i = 0; i < keeper.length; i++) {
                keeper[i] = sets.find(i);
            }
            return new Groups(keeper);
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
    public static Groups within(VectorSource vectors, float threshold, CurationProgress progress) {
        int n = vectors.size();
        UnionFind sets = new UnionFind(n);
        if (n > 0) {
            try (VectorIndex index = NeighbourIndexChoice.build(vectors)) {
                for (int from = 0; from < n; from += QUERY_BATCH) {
                    int to = Math.min(n, from + QUERY_BATCH);
                    List<Neighbors> hits =
                            index.rangeSearch(vectors.read(from, to), threshold, NeighbourIndexChoice.searchParams());
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
        return Groups.of(sets);
    }

    /**
     * Which pool images are near-copies of a protected set (an evaluation set that must not leak into
     * training): cosine similarity above {@code threshold} to any of its images.
     */
    public static boolean[] nearCopiesOf(
            VectorSource pool, VectorSource protectedSet, float threshold, CurationProgress progress) {
        boolean[] copies = new boolean[pool.size()];
        if (pool.size() == 0 || protectedSet.size() == 0) {
            return copies;
        }
        try (VectorIndex index = NeighbourIndexChoice.build(protectedSet)) {
            for (int from = 0; from < pool.size(); from += QUERY_BATCH) {
                int to = Math.min(pool.size(), from + QUERY_BATCH);
                List<Neighbors> hits =
                        index.rangeSearch(pool.read(from, to), threshold, NeighbourIndexChoice.searchParams());
                for (int q = from; q < to; q++) {
                    copies[q] = hits.get(q - from).size() > 0;
                }
                progress.update("evaluation-set copies", to, pool.size());
            }
        }
        return copies;
    }
}
