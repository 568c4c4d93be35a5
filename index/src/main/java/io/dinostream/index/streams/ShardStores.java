package io.dinostream.index.streams;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Read access, from any thread, to one partition's store of the index topology: Kafka Streams'
 * interactive queries in the running role, the test driver's stores in tests.
 */
@FunctionalInterface
public interface ShardStores {
    /**
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException if the partition's store is not
     *     queryable here now (the task moved, or is restoring)
     */
    ReadOnlyKeyValueStore<Bytes, byte[]> store(String name, int partition);
}
