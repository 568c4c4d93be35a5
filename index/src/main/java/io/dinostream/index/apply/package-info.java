/**
 * What a record of the images or embeddings topic means for an index shard: {@code RecordApplier}
 * validates it and turns it into {@code IndexWrites} on the durable state and {@code FaissChanges} for
 * the vector index. Shared by the standalone index worker and the Kafka Streams index topology.
 */
package io.dinostream.index.apply;
