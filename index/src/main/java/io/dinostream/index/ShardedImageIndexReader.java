package io.dinostream.index;

import java.util.List;

/**
 * An {@link ImageIndexReader} over shards: {@link #searchShards} is the one search to implement, and the
 * plain searches return its hits (the missing shards are reported only by {@code searchShards}).
 */
public interface ShardedImageIndexReader extends ImageIndexReader {
    @Override
    SearchResult searchShards(float[] query, int k, SearchFilter filter);

    @Override
    default List<SearchHit> search(float[] query, int k) {
        return searchShards(query, k, SearchFilter.NONE).hits();
    }

    @Override
    default List<SearchHit> search(float[] query, int k, SearchFilter filter) {
        return searchShards(query, k, filter).hits();
    }
}
