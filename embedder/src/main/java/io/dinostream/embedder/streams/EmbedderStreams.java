package io.dinostream.embedder.streams;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.KafkaClients;
import io.dinostream.common.kafka.KafkaMetrics;
import io.dinostream.common.wire.ModelLane;
import io.dinostream.embedder.ImageEmbedder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedder role as a running Kafka Streams application ({@link EmbedderTopology}), exactly-once.
 * The {@link ImageEmbedder} is not owned: the caller closes it after this.
 */
public final class EmbedderStreams implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbedderStreams.class);
    /** A slow model must not look like a dead instance: the longest a batch may take. */
    private static final int MAX_POLL_INTERVAL_MS = 10 * 60 * 1000;

    private final KafkaStreams streams;
    private final EmbedderMetrics metrics = new EmbedderMetrics();
    private volatile Throwable failure;

    private EmbedderStreams(
            Properties props, EmbedderTopology.Options options, ModelLane lane, ImageEmbedder embedder) {
        StreamsBuilder builder = new StreamsBuilder();
        EmbedderTopology.build(builder, options, lane, embedder, metrics);
        this.streams = new KafkaStreams(builder.build(), props);
    }

    /** Starts the application; it joins the group and starts embedding in the background. */
    public static EmbedderStreams start(DinostreamConfig config, ImageEmbedder embedder) {
        return start(config, embedder, Map.of());
    }

    /** {@link #start(DinostreamConfig, ImageEmbedder)} with extra Kafka Streams properties, applied last. */
    public static EmbedderStreams start(
            DinostreamConfig config, ImageEmbedder embedder, Map<String, Object> overrides) {
        return start(config, embedder, ModelLane.DEFAULT, overrides);
    }

    /**
     * Starts the embedder of a lane: it reads the images topic from its first offset (a new lane's group
     * has no committed offsets), so it backfills every stored image and then follows new ones.
     */
    public static EmbedderStreams start(
            DinostreamConfig config, ImageEmbedder embedder, ModelLane lane, Map<String, Object> overrides) {
        EmbedderTopology.Options options = new EmbedderTopology.Options(
                config.getInt(DinostreamConfig.EMBEDDER_BATCH_SIZE),
                Duration.ofMillis(config.getInt(DinostreamConfig.EMBEDDER_BATCH_LINGER_MS)));
        Properties props = properties(config, options, lane);
        props.putAll(overrides);
        EmbedderStreams embedderStreams = new EmbedderStreams(props, options, lane, embedder);
        embedderStreams.streams.setUncaughtExceptionHandler(error -> {
            embedderStreams.failure = error;
            LOG.error("embedder stream thread failed; the embedder role stops (restart it to resume)", error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        embedderStreams.streams.start();
        LOG.info(
                "embedder role (Kafka Streams, exactly-once) started: batches of up to {} images, linger {} ms, model {}",
                options.batchSize(),
                options.linger().toMillis(),
                embedder.spec().spaceKey());
        return embedderStreams;
    }

    /**
     * Exactly-once v2; a commit at most every linger (that is when embeddings become visible to the
     * index, which reads committed records only); one poll at most one batch.
     */
    static Properties properties(DinostreamConfig config, EmbedderTopology.Options options, ModelLane lane) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, lane.embedderApplicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(
                StreamsConfig.STATE_DIR_CONFIG,
                config.dataDir().resolve(lane.stateDirectory("embedder")).toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int)
                Math.max(20, options.linger().toMillis()));
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.topicReplicationFactor());
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), options.batchSize());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), MAX_POLL_INTERVAL_MS);
        int maxRecord = KafkaClients.maxRecordBytes(config);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), maxRecord);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), Math.max(52_428_800, maxRecord));
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), maxRecord);
        Map<String, Object> session = new HashMap<>();
        KafkaClients.putSessionTimeout(config, session, StreamsConfig.CONSUMER_PREFIX);
        props.putAll(session);
        return props;
    }

    public EmbedderMetrics metrics() {
        return metrics;
    }

    /** The error that stopped the role, if any. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * The largest consumer lag (records behind the end of a partition) over this instance's input
     * partitions, from the Kafka consumer's {@code records-lag-max} metric; 0 before the first fetch.
     */
    public double consumerLag() {
        return KafkaMetrics.maxRecordsLag(streams.metrics());
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Stops Kafka Streams and leaves the group, so the other instances take the partitions at once. */
    @Override
    public void close() {
        if (!streams.close(CloseOptions.timeout(Duration.ofSeconds(60))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP))) {
            LOG.warn("the embedder's Kafka Streams did not close within 60 s");
        }
    }
}
