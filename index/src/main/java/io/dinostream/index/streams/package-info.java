/**
 * The index role as a Kafka Streams application: {@code IndexTopology} (stores, processor, dead-letter
 * sink), one {@code Shard} (FAISS) per partition registered in a {@code ShardRegistry}, and the shard
 * search that the query API scatter-gathers across instances.
 */
package io.dinostream.index.streams;
