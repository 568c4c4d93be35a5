package io.dinostream.trainer.curate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Balanced sampling over a cluster tree (DINOv2's rebalancing; Vo et al. 2024 for the hierarchical form):
 * the target is split as evenly as possible among the top-level clusters, a cluster too small for its
 * share gives everything and its shortfall goes to the others (water-filling), and each cluster splits its
 * quota the same way among its children, down to the images, which are drawn at random with the seed.
 */
public final class BalancedSampling {
    private BalancedSampling() {}

    /**
     * Chooses {@code target} of the candidates (or all of them, if fewer).
     *
     * @param levels the cluster of each candidate at each level, finest first: {@code levels.get(0)[i]} is
     *     candidate {@code i}'s cluster, {@code levels.get(1)[c]} the parent of cluster {@code c}, and so
     *     on up to the top level; a single level is flat k-means
     * @return the chosen candidates, ascending
     */
    public static int[] sample(int candidates, List<int[]> levels, int target, long seed) {
        if (levels.isEmpty() || levels.get(0).length != candidates) {
            throw new IllegalArgumentException("the first level must give a cluster for each of " + candidates);
        }
        Random random = new Random(seed);
        // Children of each node, level by level, from the candidates up.
        List<List<List<Integer>>> children = new ArrayList<>();
        int members = candidates;
        for (int[] parentOf : levels) {
            if (parentOf.length != members) {
                throw new IllegalArgumentException("level sizes disagree: " + parentOf.length + " vs " + members);
            }
            int nodes = Arrays.stream(parentOf).max().orElse(-1) + 1;
            List<List<Integer>> byNode = new ArrayList<>(nodes);
            for (int n = 0; n < nodes; n++) {
                byNode.add(new ArrayList<>());
            }
            for (int m = 0; m < members; m++) {
                byNode.get(parentOf[m]).add(m);
            }
            children.add(byNode);
            members = nodes;
        }
        // Leaves below each node (how many candidates it holds), to know what a node can give.
        List<int[]> sizes = new ArrayList<>();
        int[] below = new int[candidates];
        Arrays.fill(below, 1);
        for (List<List<Integer>> byNode : children) {
            int[] next = new int[byNode.size()];
            for (int n = 0; n < byNode.size(); n++) {
                for (int child : byNode.get(n)) {
                    next[n] += below[child];
                }
            }
            sizes.add(next);
            below = next;
        }
        // Top-down: the roots are the nodes of the last level.
        int top = children.size() - 1;
        List<Integer> roots = new ArrayList<>();
        for (int n = 0; n < children.get(top).size(); n++) {
            roots.add(n);
        }
        int[] rootSizes = sizes.get(top);
        int[] quota = waterFill(roots.stream().mapToInt(r -> rootSizes[r]).toArray(), Math.min(target, candidates));
        List<Integer> chosen = new ArrayList<>();
        for (int r = 0; r < roots.size(); r++) {
            take(top, roots.get(r), quota[r], children, sizes, random, chosen);
        }
        return chosen.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    private static void take(
            int level,
            int node,
            int quota,
            List<List<List<Integer>>> children,
            List<int[]> sizes,
            Random random,
            List<Integer> chosen) {
        if (quota == 0) {
            return;
        }
        List<Integer> kids = new ArrayList<>(children.get(level).get(node));
        if (level == 0) { // kids are candidates: draw quota of them
            java.util.Collections.shuffle(kids, random);
            chosen.addAll(kids.subList(0, quota));
            return;
        }
        int[] kidSizes = sizes.get(level - 1);
        java.util.Collections.shuffle(kids, random); // who gets the odd remainder is random
        int[] split = waterFill(kids.stream().mapToInt(k -> kidSizes[k]).toArray(), quota);
        for (int k = 0; k < kids.size(); k++) {
            take(level - 1, kids.get(k), split[k], children, sizes, random, chosen);
        }
    }

    /**
     * Splits {@code total} among bins of the given capacities as evenly as possible: every bin gets the same
     * share unless its capacity is smaller; the remainder of an uneven split goes to the first bins with room.
     */
    static int[] waterFill(int[] capacity, int total) {
        int[] out = new int[capacity.length];
        int left = Math.min(total, Arrays.stream(capacity).sum());
        while (left > 0) {
            int open = 0;
            for (int b = 0; b < capacity.length; b++) {
                open += out[b] < capacity[b] ? 1 : 0;
            }
            int share = Math.max(1, left / open);
            for (int b = 0; b < capacity.length && left > 0; b++) {
                int give = Math.min(Math.min(share, capacity[b] - out[b]), left);
                out[b] += give;
                left -= give;
            }
        }
        return out;
    }
}
