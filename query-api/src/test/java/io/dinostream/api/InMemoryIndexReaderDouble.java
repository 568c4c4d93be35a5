package io.dinostream.api;

import io.dinostream.index.ImageIndexReader;
import io.dinostream.index.SearchFilter;
import io.dinostream.index.SearchHit;
import io.dinostream.index.StoredImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test double of {@link ImageIndexReader}: stored images in a map and exact (brute-force) inner-product
 * search over those that have a vector, keeping the contract's checks (dimension, k). It records the name
 * of every thread that called it.
 */
final class InMemoryIndexReaderDouble implements ImageIndexReader {
    private final int dimension;
    private final Map<String, StoredImage> images = new LinkedHashMap<>();
    final List<String> callingThreads = new CopyOnWriteArrayList<>();

    InMemoryIndexReaderDouble(int dimension) {
        this.dimension = dimension;
    }

    InMemoryIndexReaderDouble put(StoredImage image) {
        images.put(image.id(), image);
        return this;
    }

    @Override
    public long size() {
        callingThreads.add(Thread.currentThread().getName());
        return images.values().stream().filter(i -> i.vector() != null).count();
    }

    @Override
    public List<SearchHit> search(float[] query, int k) {
        return search(query, k, SearchFilter.NONE);
    }

    @Override
    public List<SearchHit> search(float[] query, int k, SearchFilter filter) {
        callingThreads.add(Thread.currentThread().getName());
        if (query.length != dimension) {
            throw new IllegalArgumentException("query has dimension " + query.length + ", index " + dimension);
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        List<SearchHit> hits = new ArrayList<>();
        for (StoredImage image : images.values()) {
            if (image.vector() != null
                    && filter.matches(image.metadataJson(), image.source(), image.ingestTimeMillis())) {
                hits.add(new SearchHit(image.id(), dot(query, image.vector()), image.metadataJson()));
            }
        }
        hits.sort(Comparator.comparingDouble(SearchHit::score).reversed().thenComparing(SearchHit::id));
        return List.copyOf(hits.subList(0, Math.min(k, hits.size())));
    }

    @Override
    public Optional<StoredImage> get(String id) {
        callingThreads.add(Thread.currentThread().getName());
        return Optional.ofNullable(images.get(id));
    }

    private static float dot(float[] a, float[] b) {
        float sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
