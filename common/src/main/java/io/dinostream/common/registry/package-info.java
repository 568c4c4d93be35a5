/**
 * The model registry: model versions and which one is active, kept in a compacted Kafka topic (cached in
 * a local file), and their weights in a content-addressed directory. Pure state transitions live in
 * {@link io.dinostream.common.registry.RegistryState}; {@link io.dinostream.common.registry.ModelRegistry}
 * reads and writes the topic.
 */
package io.dinostream.common.registry;
