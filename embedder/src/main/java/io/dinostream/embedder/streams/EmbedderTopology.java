package io.dinostream.embedder.streams;

import io.dinostream.common.wire.Headers;
import io.dinostream.common.wire.ModelLane;
import io.dinostream.common.wire.Topics;
import io.dinostream.embedder.ImageEmbedder;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.state.Stores;

/**
 * The embedder as a Kafka Streams topology: images in, embeddings (or dead letters) out, with the
 * micro-batch kept in a changelogged store so that exactly-once holds across crashes ({@link
 * EmbedProcessor}). Partitions are the unit of parallelism: instances share them.
 */
public final class EmbedderTopology {
    static final String SOURCE = "embedder-source";
    static final String PROCESSOR = "embedder-embed";
    static final String SINK = "embedder-sink";
    /** The micro-batch waiting to be embedded, per partition. */
    public static final String PENDING_STORE = "embedder-pending";

    /**
     * @param batchSize most images per model call
     * @param linger longest wait of the first image of a batch before the batch runs anyway
     */
    public record Options(int batchSize, Duration linger) {
        public Options {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
            }
        }
    }

    private EmbedderTopology() {}

    /** Adds the topology to {@code builder}: the processor's output goes to embeddings or dead letters. */
    public static void build(StreamsBuilder builder, Options options, ImageEmbedder embedder, EmbedderMetrics metrics) {
        build(builder, options, ModelLane.DEFAULT, embedder, metrics);
    }

    /** {@link #build(StreamsBuilder, Options, ImageEmbedder, EmbedderMetrics)} writing to a lane's embeddings topic. */
    public static void build(
            StreamsBuilder builder, Options options, ModelLane lane, ImageEmbedder embedder, EmbedderMetrics metrics) {
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(PENDING_STORE), Serdes.Long(), Serdes.ByteArray()));
        builder.stream(
                        Topics.IMAGES,
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(SOURCE))
                .process(
                        () -> new EmbedProcessor(embedder, options.batchSize(), options.linger(), metrics),
                        Named.as(PROCESSOR),
                        PENDING_STORE)
                .to(
                        (key, value, record) -> destination(lane, record),
                        Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(SINK));
    }

    /** Dead letters carry the {@code dlq-stage} header; everything else is an embedding or a delete. */
    static String destination(ModelLane lane, RecordContext record) {
        return record.headers().lastHeader(Headers.DLQ_STAGE) != null ? Topics.DEAD_LETTERS : lane.embeddingsTopic();
    }
}
