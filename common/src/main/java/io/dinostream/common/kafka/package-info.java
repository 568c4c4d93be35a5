/**
 * Kafka plumbing shared by every role: client settings sized for images ({@link
 * io.dinostream.common.kafka.KafkaClients}), topic creation ({@link io.dinostream.common.kafka.KafkaSetup}) and
 * the in-process KRaft broker of the embedded default and the tests ({@link
 * io.dinostream.common.kafka.EmbeddedKafka}; its broker dependencies are optional: declare them where you
 * start a broker).
 */
package io.dinostream.common.kafka;
