package io.dinostream.index.streams;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.KafkaClients;
import io.dinostream.common.wire.ModelLane;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What the Kafka Streams index role needs, and the Streams properties it derives.
 *
 * @param lane whose embeddings this index holds (its topic, application id and state directory)
 * @param topology the topology's options (image size limit, FAISS factory, train size)
 * @param bootstrapServers Kafka
 * @param stateDirectory Kafka Streams' state directory (RocksDB stores, checkpoints) of this instance
 * @param advertisedEndpoint {@code host:port} of this instance's API for scatter-gather, or empty
 * @param standbyReplicas standby copies of each shard on other instances
 * @param replicationFactor of the changelog topics
 * @param commitIntervalMs how often a transaction commits (exactly-once): the latency to searchable
 * @param overrides extra Streams properties, applied last (tests shorten timeouts with them)
 */
public record StreamsIndexOptions(
        ModelLane lane,
        IndexTopology.Options topology,
        String bootstrapServers,
        Path stateDirectory,
        String advertisedEndpoint,
        int standbyReplicas,
        short replicationFactor,
        int commitIntervalMs,
        Map<String, Object> overrides) {

    public StreamsIndexOptions {
        overrides = Map.copyOf(overrides);
    }

    public static StreamsIndexOptions fromConfig(DinostreamConfig config) {
        String endpoint = config.getString(DinostreamConfig.INDEX_ADVERTISED_ENDPOINT);
        int apiPort = config.getInt(DinostreamConfig.API_PORT);
        if (endpoint.isBlank() && apiPort > 0) {
            endpoint = config.getString(DinostreamConfig.API_HOST) + ":" + apiPort;
        }
        return new StreamsIndexOptions(
                ModelLane.DEFAULT,
                IndexTopology.Options.fromConfig(config),
                config.bootstrapServers(),
                config.dataDir().resolve(ModelLane.DEFAULT.stateDirectory("index")),
                endpoint,
                config.getInt(DinostreamConfig.INDEX_STANDBY_REPLICAS),
                config.topicReplicationFactor(),
                Math.max(10, config.getInt(DinostreamConfig.INDEX_COMMIT_INTERVAL_MS)),
                sessionTimeout(config));
    }

    private static Map<String, Object> sessionTimeout(DinostreamConfig config) {
        Map<String, Object> props = new HashMap<>();
        KafkaClients.putSessionTimeout(config, props, StreamsConfig.CONSUMER_PREFIX);
        return props;
    }

    /**
     * The same options for another lane: its application id, and a state directory beside this one named
     * for the lane.
     */
    public StreamsIndexOptions forLane(ModelLane other) {
        return new StreamsIndexOptions(
                other,
                topology,
                bootstrapServers,
                stateDirectory.resolveSibling(other.stateDirectory("index")),
                advertisedEndpoint,
                standbyReplicas,
                replicationFactor,
                commitIntervalMs,
                overrides);
    }

    public StreamsIndexOptions withStateDirectory(Path directory) {
        return new StreamsIndexOptions(
                lane,
                topology,
                bootstrapServers,
                directory,
                advertisedEndpoint,
                standbyReplicas,
                replicationFactor,
                commitIntervalMs,
                overrides);
    }

    public StreamsIndexOptions withAdvertisedEndpoint(String endpoint) {
        return new StreamsIndexOptions(
                lane,
                topology,
                bootstrapServers,
                stateDirectory,
                endpoint,
                standbyReplicas,
                replicationFactor,
                commitIntervalMs,
                overrides);
    }

    public StreamsIndexOptions withOverrides(Map<String, Object> extra) {
        Map<String, Object> merged = new HashMap<>(overrides);
        merged.putAll(extra);
        return new StreamsIndexOptions(
                lane,
                topology,
                bootstrapServers,
                stateDirectory,
                advertisedEndpoint,
                standbyReplicas,
                replicationFactor,
                commitIntervalMs,
                merged);
    }

    /** The Kafka Streams properties: exactly-once v2, byte-array serdes, fetch sizes for large images. */
    public Properties streamsProperties() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, lane.indexApplicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDirectory.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbyReplicas);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replicationFactor);
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        if (!advertisedEndpoint.isBlank()) {
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertisedEndpoint);
        }
        int fetch = topology.imageMaxBytes() + 64 * 1024;
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), fetch);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), Math.max(fetch, 50 << 20));
        props.put(
                StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                topology.imageMaxBytes() + (1 << 20));
        props.putAll(overrides);
        return props;
    }
}
