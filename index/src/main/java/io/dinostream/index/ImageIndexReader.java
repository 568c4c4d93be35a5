package io.dinostream.index;

import java.util.List;
import java.util.Optional;

/**
 * The read side of the index that the query API uses: similarity search over the stored vectors and
 * look-up of stored images. Thread-safe. Writes never go through this interface: they arrive from Kafka.
 */
public interface ImageIndexReader {
    /** Number of vectors currently searchable. */
    long size();

    /**
     * The {@code k} stored vectors with the highest inner product with {@code query} (cosine, since all
     * vectors are L2-normalised), best first.
     *
     * @throws IllegalArgumentException if the query's dimension differs from the index's or k < 1
     */
    List<SearchHit> search(float[] query, int k);

    /**
     * {@link #search(float[], int)} among the images that pass {@code filter}: up to {@code k} of them,
     * best first. How selective filters behave is implementation-specific; the index role documents its
     * strategy in docs/index.md.
     */
    List<SearchHit> search(float[] query, int k, SearchFilter filter);

    /**
     * {@link #search(float[], int, SearchFilter)} that also says which shards, if any, did not answer. An
     * index of one shard always answers completely.
     */
    default SearchResult searchShards(float[] query, int k, SearchFilter filter) {
        return SearchResult.complete(search(query, k, filter));
    }

    /** A stored image with its metadata and vector, if the id is known. */
    Optional<StoredImage> get(String id);
}
