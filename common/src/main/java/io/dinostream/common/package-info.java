/**
 * Shared types of dinostream: the versioned wire formats ({@link io.dinostream.common.wire}), the typed
 * configuration ({@link io.dinostream.common.config}) and Kafka helpers ({@link io.dinostream.common.kafka}).
 * Depends on no other dinostream module.
 */
package io.dinostream.common;
