package io.dinostream.trainer.curate;

import io.dinostream.trainer.curate.pool.PoolTruth;

/**
 * Duplicate removal scored against a pool's ground truth. A group of {@code s} true duplicates calls for
 * {@code s - 1} removals; a removal is correct while its group still keeps a member. Precision: correct
 * removals / removals; recall: correct removals / removals called for.
 */
public record DuplicateScore(int removed, int correct, int expected) {
    public double precision() {
        return removed == 0 ? 1 : correct / (double) removed;
    }

    public double recall() {
        return expected == 0 ? 1 : correct / (double) expected;
    }

    public static DuplicateScore of(PoolTruth truth, boolean[] removed) {
        int n = truth.size();
        if (removed.length != n) {
            throw new IllegalArgumentException("decisions for " + removed.length + " images, truth for " + n);
        }
        int[] size = new int[n];
        int[] removedInGroup = new int[n];
        int removedCount = 0;
        for (int i = 0; i < n; i++) {
            int group = truth.groups()[i];
            if (group >= 0) {
                size[group]++;
                removedInGroup[group] += removed[i] ? 1 : 0;
            }
            removedCount += removed[i] ? 1 : 0;
        }
        int correct = 0;
        int expected = 0;
        for (int g = 0; g < n; g++) {
            if (size[g] > 1) {
                expected += size[g] - 1;
                correct += Math.min(removedInGroup[g], size[g] - 1);
            }
        }
        return new DuplicateScore(removedCount, correct, expected);
    }

    @Override
    public String toString() {
        return String.format(
                java.util.Locale.ROOT,
                "precision %.4f (%d of %d removals), recall %.4f (of %d duplicates)",
                precision(),
                correct,
                removed,
                recall(),
                expected);
    }
}
