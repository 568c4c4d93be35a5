package io.dinostream.index.streams;

import io.dinostream.index.SearchFilter;
import io.dinostream.index.SearchHit;
import io.dinostream.index.StoredImage;
import io.dinostream.index.store.ImageMeta;
import io.dinostream.index.store.IndexFormat;
import io.dinostream.index.store.IndexStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Searches the shards this instance owns and merges their hits: FAISS per shard, metadata from the
 * shard's store, filters as the standalone index applies them (over-fetch {@value #FILTER_OVERFETCH} x k
 * and post-filter; an exact scan of the shard's stored vectors when the filter is very selective).
 * A shard that closes or whose store is not queryable during the search is reported as not answered.
 */
public final class ShardSearcher {
    /** Filtered searches ask each shard for this many times k neighbours before post-filtering. */
    static final int FILTER_OVERFETCH = 10;

    /** What this instance's shards answered. */
    public record LocalResult(List<SearchHit> hits, List<Integer> answered, List<Integer> failed) {}

    private final ShardRegistry registry;
    private final ShardStores stores;

    public ShardSearcher(ShardRegistry registry, ShardStores stores) {
        this.registry = registry;
        this.stores = stores;
    }

    /** The best {@code k} hits over every local shard that answers. */
    public LocalResult search(float[] query, int k, SearchFilter filter) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (filter.isEmpty()) {
            return searchUnfiltered(query, k);
        }
        List<SearchHit> all = new ArrayList<>();
        TreeSet<Integer> answered = new TreeSet<>();
        TreeSet<Integer> failed = new TreeSet<>();
        for (Shard shard : registry.shards()) {
            try {
                all.addAll(searchShard(shard, query, k, filter));
                answered.add(shard.partition());
            } catch (InvalidStateStoreException | IllegalStateException e) {
                failed.add(shard.partition()); // moved or closing: the caller reports it missing
            }
        }
        all.sort(Comparator.comparingDouble(SearchHit::score).reversed());
        return new LocalResult(all.subList(0, Math.min(k, all.size())), List.copyOf(answered), List.copyOf(failed));
    }

    /** A shard's hit before its metadata is read. */
    private record Candidate(int partition, Shard.Hit hit) {}

    /**
     * Without a filter, metadata is read only for the final k hits, after the shards' hits are merged: a
     * store read per hit is a good part of a search's cost, and most shards' hits do not make the cut.
     */
    private LocalResult searchUnfiltered(float[] query, int k) {
        List<Candidate> candidates = new ArrayList<>();
        TreeSet<Integer> answered = new TreeSet<>();
        TreeSet<Integer> failed = new TreeSet<>();
        for (Shard shard : registry.shards()) {
            try {
                for (Shard.Hit hit : shard.search(query, k)) {
                    candidates.add(new Candidate(shard.partition(), hit));
                }
                answered.add(shard.partition());
            } catch (IllegalStateException e) {
                failed.add(shard.partition()); // moved or closing: the caller reports it missing
            }
        }
        candidates.sort(
                Comparator.comparingDouble((Candidate c) -> c.hit().score()).reversed());
        List<Candidate> best = candidates.subList(0, Math.min(k, candidates.size()));
        Map<Integer, ReadOnlyKeyValueStore<Bytes, byte[]>> metaStores = new HashMap<>();
        Map<Candidate, SearchHit> read = new HashMap<>();
        for (Candidate candidate : best) {
            if (failed.contains(candidate.partition())) {
                continue;
            }
            try {
                ReadOnlyKeyValueStore<Bytes, byte[]> meta = metaStores.computeIfAbsent(
                        candidate.partition(), p -> stores.store(IndexTopology.META_STORE, p));
                ImageMeta m = meta(meta, candidate.hit().imageId());
                read.put(
                        candidate,
                        new SearchHit(candidate.hit().imageId(), candidate.hit().score(), m.metadataJson()));
            } catch (InvalidStateStoreException e) {
                // The shard moved between its search and the metadata read: all its hits are dropped and the
                // partition is reported missing, as if it had not answered.
                failed.add(candidate.partition());
                answered.remove(candidate.partition());
            }
        }
        List<SearchHit> hits = new ArrayList<>(best.size());
        for (Candidate candidate : best) {
            if (!failed.contains(candidate.partition())) {
                hits.add(read.get(candidate));
            }
        }
        return new LocalResult(hits, List.copyOf(answered), List.copyOf(failed));
    }

    private List<SearchHit> searchShard(Shard shard, float[] query, int k, SearchFilter filter) {
        ReadOnlyKeyValueStore<Bytes, byte[]> meta = stores.store(IndexTopology.META_STORE, shard.partition());
        long size = shard.size();
        if (filter.isEmpty()) {
            return hits(shard.search(query, k), meta, SearchFilter.NONE, k);
        }
        int fetch = (int) Math.max(1, Math.min(size, (long) k * FILTER_OVERFETCH));
        List<SearchHit> passing = hits(shard.search(query, fetch), meta, filter, k);
        if (passing.size() >= k || fetch >= size) {
            return passing;
        }
        return exactScan(shard.partition(), query, k, filter, meta);
    }

    private static List<SearchHit> hits(
            List<Shard.Hit> found, ReadOnlyKeyValueStore<Bytes, byte[]> meta, SearchFilter filter, int k) {
        List<SearchHit> hits = new ArrayList<>(Math.min(k, found.size()));
        for (Shard.Hit hit : found) {
            if (hits.size() == k) {
                break;
            }
            ImageMeta m = meta(meta, hit.imageId());
            if (filter.matches(m.metadataJson(), m.source(), m.ingestTimeMillis())) {
                hits.add(new SearchHit(hit.imageId(), hit.score(), m.metadataJson()));
            }
        }
        return hits;
    }

    private List<SearchHit> exactScan(
            int partition, float[] query, int k, SearchFilter filter, ReadOnlyKeyValueStore<Bytes, byte[]> meta) {
        PriorityQueue<SearchHit> best = new PriorityQueue<>(Comparator.comparingDouble(SearchHit::score));
        try (KeyValueIterator<Bytes, byte[]> it =
                stores.store(IndexTopology.VECTORS_STORE, partition).all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                String imageId = IndexFormat.utf8(entry.key.get());
                ImageMeta m = meta(meta, imageId);
                if (!filter.matches(m.metadataJson(), m.source(), m.ingestTimeMillis())) {
                    continue;
                }
                float[] vector = IndexFormat.decodeVector(entry.value);
                float score = 0;
                for (int i = 0; i < vector.length && i < query.length; i++) {
                    score += query[i] * vector[i];
                }
                if (best.size() < k) {
                    best.add(new SearchHit(imageId, score, m.metadataJson()));
                } else if (score > best.peek().score()) {
                    best.poll();
                    best.add(new SearchHit(imageId, score, m.metadataJson()));
                }
            }
        }
        List<SearchHit> hits = new ArrayList<>(best);
        hits.sort(Comparator.comparingDouble(SearchHit::score).reversed());
        return hits;
    }

    private static ImageMeta meta(ReadOnlyKeyValueStore<Bytes, byte[]> meta, String imageId) {
        byte[] value = meta.get(Bytes.wrap(IndexFormat.utf8(imageId)));
        return value == null ? ImageMeta.EMPTY : IndexStore.decodeMeta(value);
    }

    /** Everything stored about an image in a partition's stores, if anything is. */
    public Optional<StoredImage> get(String imageId, int partition) {
        Bytes key = Bytes.wrap(IndexFormat.utf8(imageId));
        byte[] image = stores.store(IndexTopology.IMAGES_STORE, partition).get(key);
        byte[] metaValue = stores.store(IndexTopology.META_STORE, partition).get(key);
        byte[] vector = stores.store(IndexTopology.VECTORS_STORE, partition).get(key);
        return IndexStore.storedImage(imageId, image, metaValue, vector);
    }
}
