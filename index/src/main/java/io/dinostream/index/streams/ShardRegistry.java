package io.dinostream.index.streams;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shards (FAISS indexes of the partitions) that this process's stream threads currently own. Tasks
 * register their shard when they initialise and remove it when they close, so searches see exactly the
 * active tasks of this instance. Thread-safe.
 */
public final class ShardRegistry {
    private final Map<Integer, Shard> shards = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong applied = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong deadLettered = new java.util.concurrent.atomic.AtomicLong();

    private final LatencyHistogram freshness = new LatencyHistogram();

    /** Ingest-to-searchable latency of the embeddings applied by this instance's tasks. */
    public LatencyHistogram freshness() {
        return freshness;
    }

    void recordApplied() {
        applied.incrementAndGet();
    }

    void recordDeadLettered() {
        deadLettered.incrementAndGet();
    }

    /** Records processed (applied or dead-lettered) by this instance's tasks since start. */
    public long processedRecords() {
        return applied.get() + deadLettered.get();
    }

    /** Records this instance's tasks sent to the dead-letter topic since start. */
    public long deadLetteredRecords() {
        return deadLettered.get();
    }

    /** Adds a task's shard, closing a stale one of the same partition left by an unclean close. */
    void register(Shard shard) {
        Shard previous = shards.put(shard.partition(), shard);
        if (previous != null && previous != shard) {
            previous.close();
        }
    }

    /** Removes and closes a task's shard, if it is still the registered one. */
    void unregister(Shard shard) {
        shards.remove(shard.partition(), shard);
        shard.close();
    }

    /** The shards owned now, by partition. */
    public List<Shard> shards() {
        List<Shard> all = new ArrayList<>(shards.values());
        all.sort(Comparator.comparingInt(Shard::partition));
        return all;
    }

    /** The partitions owned now. */
    public List<Integer> partitions() {
        return shards().stream().map(Shard::partition).toList();
    }
}
