package io.dinostream.trainer.curate;

import io.dinostream.trainer.curate.copies.CopyFinder;
import io.dinostream.trainer.curate.copies.Thumbnails;
import io.dinostream.trainer.curate.vectors.SubsetVectors;
import io.dinostream.trainer.curate.vectors.VectorSource;

/**
 * What duplicates are judged on, and how: embeddings compared by cosine similarity (FAISS range search),
 * or pixels (candidate search plus verification, {@link CopyFinder}), which also finds cropped copies.
 * The threshold is a cosine similarity for the first, a correlation for the second.
 */
public sealed interface DuplicateEvidence {
    /** Images in the pool. */
    int poolSize();

    /** Per pool image, whether it copies an image of the protected set (none without one). */
    boolean[] copiesOfProtected(float threshold, CurationProgress progress);

    /** The duplicate groups among the pool images {@code alive} (ascending), indexed like {@code alive}. */
    NearDuplicates.Groups within(int[] alive, float threshold, CurationProgress progress);

    /**
     * L2-normalised embeddings of the pool and of the protected set (or null).
     */
    record Embeddings(VectorSource pool, VectorSource protectedSet) implements DuplicateEvidence {
        @Override
        public int poolSize() {
            return pool.size();
        }

        @Override
        public boolean[] copiesOfProtected(float threshold, CurationProgress progress) {
            return protectedSet == null
                    ? new boolean[pool.size()]
                    : NearDuplicates.nearCopiesOf(pool, protectedSet, threshold, progress);
        }

        @Override
        public NearDuplicates.Groups within(int[] alive, float threshold, CurationProgress progress) {
            return NearDuplicates.within(new SubsetVectors(pool, alive), threshold, progress);
        }
    }

    /** {@link Thumbnails} of the pool and of the protected set (or null). */
    record Pixels(VectorSource pool, VectorSource protectedSet) implements DuplicateEvidence {
        public Pixels {
            for (VectorSource source : new VectorSource[] {pool, protectedSet}) {
                if (source != null && source.dimension() != Thumbnails.PIXELS) {
                    throw new IllegalArgumentException("pixel evidence is thumbnails of " + Thumbnails.PIXELS
                            + " pixels, not " + source.dimension());
                }
            }
        }

        @Override
        public int poolSize() {
            return pool.size();
        }

        @Override
        public boolean[] copiesOfProtected(float threshold, CurationProgress progress) {
            boolean[] copies = new boolean[pool.size()];
            if (protectedSet != null) {
                CopyFinder.find(pool, protectedSet, false, threshold, "evaluation-set copies", progress, (q, c) -> {
                    copies[c] = true;
                });
            }
            return copies;
        }

        @Override
        public NearDuplicates.Groups within(int[] alive, float threshold, CurationProgress progress) {
            VectorSource subset = new SubsetVectors(pool, alive);
            UnionFind sets = new UnionFind(alive.length);
            CopyFinder.find(subset, subset, true, threshold, "near-duplicates", progress, sets::union);
            return NearDuplicates.Groups.of(sets);
        }
    }
}
