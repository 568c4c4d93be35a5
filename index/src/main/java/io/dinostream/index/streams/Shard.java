package io.dinostream.index.streams;

import io.dinostream.index.apply.FaissChanges;
import io.dinostream.index.faiss.FactoryVectorIndex;
import io.dinostream.index.faiss.IndexDevice;
import io.dinostream.index.faiss.VectorIndexes;
import io.dinostream.index.store.CorruptStoreException;
import io.dinostream.index.store.IndexFormat;
import io.dinostream.index.vector.Neighbors;
import io.dinostream.index.vector.VectorIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The FAISS index of one partition (a Kafka Streams task): derived from the task's {@code vectors} and
 * {@code ids} stores, rebuilt from them when the task starts, and updated by the task's processor after
 * every record. Searches come from other threads: a read-write lock makes each update atomic to them.
 *
 * <p>Owns its {@link VectorIndex}; {@link #close()} frees it.
 */
public final class Shard implements AutoCloseable {
    /** One search hit of a shard: an image id and its score. */
    public record Hit(String imageId, float score) {}

    private static final int CHUNK = 4096;

    private final int partition;
    private final String factory;
    private final int trainSize;
    private final IndexDevice device;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<Long, String> imageIds = new HashMap<>();
    private VectorIndex vectors; // null until the first vector fixes the dimension
    private boolean closed;

    private Shard(int partition, String factory, int trainSize, IndexDevice device) {
        this.partition = partition;
        this.factory = factory;
        this.trainSize = trainSize;
        this.device = device;
    }

    /** A shard holding every vector of the task's stores. */
    static Shard rebuild(
            int partition,
            String factory,
            int trainSize,
            IndexDevice device,
            int dimension,
            KeyValueStore<Bytes, byte[]> vectorStore,
            KeyValueStore<Bytes, byte[]> idStore) {
        Shard shard = new Shard(partition, factory, trainSize, device);
        if (dimension <= 0) {
            return shard;
        }
        shard.vectors = shard.createVectors(dimension);
        try (KeyValueIterator<Bytes, byte[]> it = vectorStore.all()) {
            long[] ids = new long[CHUNK];
            float[] rows = new float[CHUNK * dimension];
            int filled = 0;
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                String imageId = IndexFormat.utf8(entry.key.get());
                byte[] numeric = idStore.get(Bytes.wrap(IndexFormat.idByNameKey(imageId)));
                if (numeric == null) {
                    throw new CorruptStoreException("vector of '" + imageId + "' has no numeric id");
                }
                float[] vector = IndexFormat.decodeVector(entry.value);
                if (vector.length != dimension) {
                    throw new CorruptStoreException("stored vector of '" + imageId + "' has " + vector.length
                            + " floats, the space has " + dimension);
                }
                ids[filled] = IndexFormat.readLong(numeric);
                shard.imageIds.put(ids[filled], imageId);
                System.arraycopy(vector, 0, rows, filled * dimension, dimension);
                if (++filled == CHUNK) {
                    shard.vectors.upsert(ids, rows);
                    filled = 0;
                }
            }
            if (filled > 0) {
                shard.vectors.upsert(Arrays.copyOf(ids, filled), Arrays.copyOf(rows, filled * dimension));
            }
        } catch (RuntimeException e) {
            shard.close();
            throw e;
        }
        return shard;
    }

    private VectorIndex createVectors(int dimension) {
        return VectorIndexes.create(dimension, factory, FactoryVectorIndex.Metric.INNER_PRODUCT, trainSize, device);
    }

    /** The partition (task) this shard indexes. */
    public int partition() {
        return partition;
    }

    /** Applies one record's vector changes for {@code imageId}, creating FAISS on the first vector. */
    void apply(FaissChanges changes, String imageId, int dimension) {
        if (changes.isEmpty()) {
            return;
        }
        lock.writeLock().lock();
        try {
            checkOpen();
            if (vectors == null) {
                if (!changes.hasUpserts()) {
                    return;
                }
                vectors = createVectors(dimension);
            }
            changes.removedIds().forEach(imageIds::remove);
            changes.upsertedIds().forEach(id -> imageIds.put(id, imageId));
            changes.applyTo(vectors);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Number of vectors indexed. */
    public long size() {
        lock.readLock().lock();
        try {
            checkOpen();
            return vectors == null ? 0 : vectors.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The {@code k} best vectors of this shard for {@code query}, best first.
     *
     * @throws IllegalArgumentException if the query's length is not the shard's dimension
     */
    public List<Hit> search(float[] query, int k) {
        lock.readLock().lock();
        try {
            checkOpen();
            if (vectors == null) {
                return List.of();
            }
            if (query.length != vectors.dimension()) {
                throw new IllegalArgumentException(
                        "query has " + query.length + " floats, the index holds dimension " + vectors.dimension());
            }
            Neighbors neighbors = vectors.search(query, k).get(0);
            List<Hit> hits = new ArrayList<>(neighbors.size());
            for (int r = 0; r < neighbors.size(); r++) {
                String imageId = imageIds.get(neighbors.id(r));
                if (imageId == null) {
                    throw new CorruptStoreException(
                            "FAISS id " + neighbors.id(r) + " of partition " + partition + " has no image id");
                }
                hits.add(new Hit(imageId, neighbors.score(r)));
            }
            return hits;
        } finally {
            lock.readLock().unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("shard " + partition + " is closed (its task moved or stopped)");
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                if (vectors != null) {
                    vectors.close();
                    vectors = null;
                }
                imageIds.clear();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
