package io.dinostream.common.kafka;

import io.dinostream.common.config.DinostreamConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Client settings shared by every role, sized so that the largest accepted image (plus headers) fits in
 * one record, one request and one fetch.
 */
public final class KafkaClients {
    /** Room for headers and record framing on top of the image bytes. */
    public static final int RECORD_OVERHEAD_BYTES = 64 * 1024;
    /** The broker-side limit the embedded broker is started with: the largest image.max.bytes allowed. */
    public static final int MAX_RECORD_BYTES_CEILING = 256 * 1024 * 1024 + RECORD_OVERHEAD_BYTES;

    private KafkaClients() {}

    /** The largest record (value + headers) a role produces or consumes for this configuration. */
    public static int maxRecordBytes(DinostreamConfig config) {
        return config.imageMaxBytes() + RECORD_OVERHEAD_BYTES;
    }

    /** An idempotent, acks=all producer of byte[] keys and values. */
    public static Map<String, Object> producer(DinostreamConfig config, String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRecordBytes(config));
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L * 1024 * 1024, 2L * maxRecordBytes(config)));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return props;
    }

    /**
     * Sets {@code group.session.timeout.ms} as the consumer's session timeout, with a heartbeat a sixth
     * of it (at most Kafka's default 3 s), under {@code prefix} (empty, or Kafka Streams' {@code
     * consumer.}).
     */
    public static void putSessionTimeout(DinostreamConfig config, Map<String, Object> props, String prefix) {
        int session = config.getInt(DinostreamConfig.GROUP_SESSION_TIMEOUT_MS);
        props.put(prefix + ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, session);
        props.put(prefix + ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.min(3_000, Math.max(100, session / 6)));
    }

    /** A consumer of byte[] keys and values that commits offsets only when told to. */
    public static Map<String, Object> consumer(DinostreamConfig config, String groupId, String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, maxRecordBytes(config));
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Math.max(52_428_800, maxRecordBytes(config)));
        putSessionTimeout(config, props, "");
        return props;
    }
}
