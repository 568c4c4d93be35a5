package io.dinostream.trainer.curate;

import io.dinostream.trainer.curate.vectors.SubsetVectors;
import io.dinostream.trainer.curate.vectors.VectorSource;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;

/**
 * The curation pipeline on embeddings: (1) drop near-copies of a protected evaluation set, (2) drop
 * near-duplicates within the pool (one kept per group), (3) keep what seed images retrieve, (4) cluster
 * with (hierarchical) k-means and sample down to the target, balanced across clusters. Each step is
 * switchable, sees only what the previous ones kept, and is counted.
 */
public final class Curation {
    /** How seed images retrieve pool images. */
    public enum Retrieval {
        /** Each seed keeps its k nearest pool images. */
        NEAREST,
        /** Each seed keeps a sample of its pool cluster. */
        CLUSTER,
        /** {@link #CLUSTER} for fewer than {@value #SMALL_SEED_SET} seeds, else {@link #NEAREST}. */
        AUTO;

        public static final int SMALL_SEED_SET = 1000;
    }

    /**
     * @param dedupThreshold similarity at or above which two images are duplicates ({@link DuplicateEvidence}:
     *     cosine for embeddings, correlation for pixels); NaN to skip the step
     * @param evalCopyThreshold the same against the protected set; NaN to skip
     * @param retrieval how seeds retrieve (used only when seeds are given)
     * @param retrievalK neighbours per seed ({@link Retrieval#NEAREST})
     * @param perSeed images sampled per seed ({@link Retrieval#CLUSTER})
     * @param balance balanced sampling across clusters; otherwise uniform sampling down to the target
     * @param clusterLevels clusters per level, finest first; empty for {@link #defaultLevels}
     * @param target images to keep at most; 0 for no sampling (clustering still runs when balance is set)
     */
    public record Options(
            float dedupThreshold,
            float evalCopyThreshold,
            Retrieval retrieval,
            int retrievalK,
            int perSeed,
            boolean balance,
            int[] clusterLevels,
            int target,
            long seed) {}

    /**
     * @param duplicates what duplicates and copies of the protected set are judged on
     * @param vectors per pool image, its semantic embedding for retrieval and clustering (L2-normalised)
     * @param seeds seed images' semantic embeddings, or null
     */
    public record Input(DuplicateEvidence duplicates, VectorSource vectors, VectorSource seeds) {
        public Input {
            if (duplicates.poolSize() != vectors.size()) {
                throw new IllegalArgumentException("duplicate evidence and an embedding for every pool image");
            }
        }
    }

    /**
     * @param steps per pool image, the step that dropped it or {@link CurationStep#KEPT}
     * @param cluster per pool image, its finest cluster (-1 if not clustered)
     * @param clusterSizesBefore images per finest cluster before sampling
     * @param clusterSizesAfter kept images per finest cluster
     */
    public record Result(
            CurationStep[] steps,
            int[] cluster,
            int[] clusterSizesBefore,
            int[] clusterSizesAfter,
            int duplicateGroups) {
        public Map<CurationStep, Integer> counts() {
            Map<CurationStep, Integer> counts = new EnumMap<>(CurationStep.class);
            for (CurationStep step : CurationStep.values()) {
                counts.put(step, 0);
            }
            for (CurationStep step : steps) {
                counts.merge(step, 1, Integer::sum);
            }
            return counts;
        }
    }

    private Curation() {}

    /** One level of about n/100 clusters (2 to 10,000); a second, 20 times coarser, above 100,000 images. */
    public static int[] defaultLevels(int n) {
        int fine = Math.max(2, Math.min(10_000, n / 100));
        return n > 100_000 ? new int[] {fine, Math.max(2, fine / 20)} : new int[] {fine};
    }

    public static Result run(Input input, Options options, CurationProgress progress) {
        int n = input.vectors().size();
        CurationStep[] steps = new CurationStep[n];
        Arrays.fill(steps, CurationStep.KEPT);
        int[] cluster = new int[n];
        Arrays.fill(cluster, -1);

        if (!Float.isNaN(options.evalCopyThreshold())) {
            drop(
                    steps,
                    input.duplicates().copiesOfProtected(options.evalCopyThreshold(), progress),
                    CurationStep.EVAL_COPY);
        }
        int duplicateGroups = 0;
        if (!Float.isNaN(options.dedupThreshold())) {
            int[] alive = alive(steps);
            NearDuplicates.Groups groups = input.duplicates().within(alive, options.dedupThreshold(), progress);
            for (int a = 0; a < alive.length; a++) {
                if (groups.removed(a)) {
                    steps[alive[a]] = CurationStep.DUPLICATE;
                }
            }
            duplicateGroups = groups.duplicateGroups();
        }
        if (input.seeds() != null && input.seeds().size() > 0) {
            int[] alive = alive(steps);
            VectorSource candidates = new SubsetVectors(input.vectors(), alive);
            boolean useClusters = options.retrieval() == Retrieval.CLUSTER
                    || (options.retrieval() == Retrieval.AUTO && input.seeds().size() < Retrieval.SMALL_SEED_SET);
            boolean[] retrieved;
            if (useClusters && candidates.size() > 0) {
                int[] levels = levelsFor(options, candidates.size());
                HierarchicalKMeans.Tree clusters =
                        HierarchicalKMeans.build(candidates, new int[] {levels[0]}, options.seed(), progress);
                retrieved = SeedRetrieval.fromSeedClusters(
                        clusters.clusterOf(), clusters.centroids(), input.seeds(), options.perSeed(), options.seed());
            } else {
                retrieved = SeedRetrieval.nearest(candidates, input.seeds(), options.retrievalK(), progress);
            }
            for (int a = 0; a < alive.length; a++) {
                if (!retrieved[a]) {
                    steps[alive[a]] = CurationStep.NOT_RETRIEVED;
                }
            }
        }
        int[] alive = alive(steps);
        int[] sizesBefore = new int[0];
        int[] sizesAfter = new int[0];
        if (alive.length > 0 && (options.balance() || (options.target() > 0 && options.target() < alive.length))) {
            int[] chosen;
            if (options.balance()) {
                VectorSource candidates = new SubsetVectors(input.vectors(), alive);
                HierarchicalKMeans.Tree tree = HierarchicalKMeans.build(
                        candidates, levelsFor(options, candidates.size()), options.seed(), progress);
                for (int a = 0; a < alive.length; a++) {
                    cluster[alive[a]] = tree.clusterOf()[a];
                }
                sizesBefore = tree.sizes().get(0).clone();
                int target = options.target() > 0 ? options.target() : alive.length;
                chosen = BalancedSampling.sample(alive.length, tree.levels(), target, options.seed());
            } else {
                chosen = uniform(alive.length, options.target(), options.seed());
            }
            boolean[] keep = new boolean[alive.length];
            for (int c : chosen) {
                keep[c] = true;
            }
            for (int a = 0; a < alive.length; a++) {
                if (!keep[a]) {
                    steps[alive[a]] = CurationStep.SAMPLED_OUT;
                }
            }
            if (options.balance()) {
                sizesAfter = new int[sizesBefore.length];
                for (int i = 0; i < n; i++) {
                    if (steps[i] == CurationStep.KEPT) {
                        sizesAfter[cluster[i]]++;
                    }
                }
            }
        }
        return new Result(steps, cluster, sizesBefore, sizesAfter, duplicateGroups);
    }

    private static int[] levelsFor(Options options, int n) {
        int[] levels = options.clusterLevels().length > 0 ? options.clusterLevels() : defaultLevels(n);
        int[] capped = new int[levels.length];
        int below = n;
        for (int l = 0; l < levels.length; l++) {
            capped[l] = Math.max(1, Math.min(levels[l], below));
            below = capped[l];
        }
        return capped;
    }

    private static void drop(CurationStep[] steps, boolean[] which, CurationStep step) {
        for (int i = 0; i < steps.length; i++) {
            if (which[i] && steps[i] == CurationStep.KEPT) {
                steps[i] = step;
            }
        }
    }

    private static int[] alive(CurationStep[] steps) {
        int count = 0;
        for (CurationStep step : steps) {
            count += step == CurationStep.KEPT ? 1 : 0;
        }
        int[] alive = new int[count];
        int next = 0;
        for (int i = 0; i < steps.length; i++) {
            if (steps[i] == CurationStep.KEPT) {
                alive[next++] = i;
            }
        }
        return alive;
    }

    private static int[] uniform(int n, int target, long seed) {
        int[] order = SeededPermutation.of(n, new Random(seed));
        int[] chosen = Arrays.copyOf(order, Math.min(target, n));
        Arrays.sort(chosen);
        return chosen;
    }
}
