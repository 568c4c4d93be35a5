/**
 * Scatter-gather over the sharded index: {@code ClusterIndexReader} asks every instance that owns shards
 * and merges their answers, naming the shards that did not answer; {@code ShardProtocol} is the JSON the
 * instances exchange on their {@code /internal/v1} routes.
 */
package io.dinostream.api.cluster;
