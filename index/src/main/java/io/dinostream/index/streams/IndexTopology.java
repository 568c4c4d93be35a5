package io.dinostream.index.streams;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.wire.ModelLane;
import io.dinostream.common.wire.Topics;
import io.dinostream.index.faiss.IndexDevice;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The index as a Kafka Streams topology: the images and embeddings topics (co-partitioned by image id)
 * feed one processor per partition that keeps the partition's images, metadata, vectors and ids in
 * persistent RocksDB state stores with changelog topics, and its FAISS index as a {@link Shard}; rejected
 * records go to the dead-letter topic. A partition is a shard: N partitions, N FAISS indexes, spread over
 * the instances by Kafka Streams.
 *
 * <p>The stores use the keys and values of {@code IndexFormat}, one store per column family.
 */
public final class IndexTopology {
    public static final String INFO_STORE = "index-info";
    public static final String IDS_STORE = "index-ids";
    public static final String VECTORS_STORE = "index-vectors";
    public static final String IMAGES_STORE = "index-images";
    public static final String META_STORE = "index-meta";
    public static final List<String> STORES = List.of(INFO_STORE, IDS_STORE, VECTORS_STORE, IMAGES_STORE, META_STORE);

    /** Processor and sink names, stable so that a changed topology keeps its state. */
    static final String SOURCE = "index-source";

    static final String PROCESSOR = "index-apply";
    static final String DEAD_LETTER_SINK = "index-dead-letters";

    /**
     * What the topology needs from the configuration.
     *
     * @param imageMaxBytes larger images are dead-lettered
     * @param faissFactory the FAISS index of each shard (factory string)
     * @param trainSize vectors a shard holds before an index that needs training is trained
     * @param device where each shard's k-NN searches run ({@code index.device})
     */
    public record Options(int imageMaxBytes, String faissFactory, int trainSize, IndexDevice device) {
        public Options {
            java.util.Objects.requireNonNull(device, "device");
        }

        /** Shards searching on the CPU. */
        public Options(int imageMaxBytes, String faissFactory, int trainSize) {
            this(imageMaxBytes, faissFactory, trainSize, IndexDevice.CPU);
        }

        public static Options fromConfig(DinostreamConfig config) {
            return new Options(
                    config.imageMaxBytes(),
                    config.getString(DinostreamConfig.INDEX_FAISS_FACTORY),
                    config.getInt(DinostreamConfig.INDEX_FAISS_TRAIN_SIZE),
                    IndexDevice.parse(config.getString(DinostreamConfig.INDEX_DEVICE)));
        }
    }

    private IndexTopology() {}

    /** Adds the index topology to {@code builder}; the shards of this instance's tasks go to {@code shards}. */
    public static void build(StreamsBuilder builder, Options options, ShardRegistry shards) {
        build(builder, options, ModelLane.DEFAULT, shards);
    }

    /** {@link #build(StreamsBuilder, Options, ShardRegistry)} for a lane's embeddings topic. */
    public static void build(StreamsBuilder builder, Options options, ModelLane lane, ShardRegistry shards) {
        for (String store : STORES) {
            builder.addStateStore(Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(store), Serdes.Bytes(), Serdes.ByteArray()));
        }
        builder.stream(
                        List.of(Topics.IMAGES, lane.embeddingsTopic()),
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(SOURCE))
                .process(() -> new IndexProcessor(options, shards), Named.as(PROCESSOR), STORES.toArray(String[]::new))
                .to(
                        Topics.DEAD_LETTERS,
                        Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(DEAD_LETTER_SINK));
    }
}
