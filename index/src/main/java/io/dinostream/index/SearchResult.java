package io.dinostream.index;

import java.util.List;

/**
 * The answer to a search over a sharded index: the best hits found, and whether some shards (partitions)
 * could not answer, so that a caller never takes a partial answer for a complete one.
 *
 * @param hits best first
 * @param missingShards partitions that did not answer (no owner right now, owner unreachable), sorted;
 *     empty when the answer covers every shard
 */
public record SearchResult(List<SearchHit> hits, List<Integer> missingShards) {
    public SearchResult {
        hits = List.copyOf(hits);
        missingShards = List.copyOf(missingShards);
    }

    /** A complete answer. */
    public static SearchResult complete(List<SearchHit> hits) {
        return new SearchResult(hits, List.of());
    }

    /** True when some shards are missing from the answer. */
    public boolean partial() {
        return !missingShards.isEmpty();
    }
}
