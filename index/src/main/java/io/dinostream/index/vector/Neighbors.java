package io.dinostream.index.vector;

import java.util.Arrays;

/**
 * The neighbours of one query, best first.
 *
 * @param ids the ids, as many as {@code scores}
 * @param scores inner products with the query, non-increasing
 */
public record Neighbors(long[] ids, float[] scores) {
    public Neighbors {
        if (ids.length != scores.length) {
            throw new IllegalArgumentException(
                    "ids and scores differ in length: " + ids.length + " vs " + scores.length);
        }
    }

    /** Number of neighbours. */
    public int size() {
        return ids.length;
    }

    public long id(int rank) {
        return ids[rank];
    }

    public float score(int rank) {
        return scores[rank];
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Neighbors that && Arrays.equals(ids, that.ids) && Arrays.equals(scores, that.scores);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ids) + Arrays.hashCode(scores);
    }

    @Override
    public String toString() {
        return "Neighbors[ids=" + Arrays.toString(ids) + ", scores=" + Arrays.toString(scores) + "]";
    }
}
