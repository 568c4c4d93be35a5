package io.dinostream.index.streams;

import io.dinostream.common.kafka.KafkaMetrics;
import io.dinostream.index.ImageIndexReader;
import io.dinostream.index.SearchFilter;
import io.dinostream.index.SearchResult;
import io.dinostream.index.ShardedImageIndexReader;
import io.dinostream.index.StoredImage;
import io.dinostream.index.faiss.FaissNative;
import io.dinostream.index.store.IndexFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index role as a running Kafka Streams application ({@link IndexTopology}): starts it, answers
 * searches and look-ups over the shards this instance owns, and says who owns the others, so that the
 * query API can scatter-gather across instances.
 *
 * <p>Searches through {@link ImageIndexReader} cover this instance's shards; {@link #searchShards} names
 * the partitions that did not answer, so a single instance that owns every partition answers completely
 * and one of several reports what it lacks. Answers can include records of a transaction that has not
 * committed yet (FAISS is updated as records are processed); a crash rolls the stores back and the
 * restarted task rebuilds FAISS from them.
 *
 * <p>{@link #close()} stops Kafka Streams, which closes every task and so frees every shard.
 */
public final class StreamsIndex implements ShardedImageIndexReader, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsIndex.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

    private final StreamsIndexOptions options;
    private final ShardRegistry registry;
    private final KafkaStreams streams;
    private final ShardSearcher searcher;
    private final int partitions;
    private volatile Throwable failure;

    private StreamsIndex(StreamsIndexOptions options, int partitions) {
        this.options = options;
        this.partitions = partitions;
        this.registry = new ShardRegistry();
        StreamsBuilder builder = new StreamsBuilder();
        IndexTopology.build(builder, options.topology(), options.lane(), registry);
        this.streams = new KafkaStreams(builder.build(), options.streamsProperties());
        this.searcher = new ShardSearcher(registry, this::store);
    }

    /**
     * Starts the application (it then joins the group, restores its stores and rebuilds its shards in the
     * background: see {@link #awaitRunning}).
     *
     * @throws IllegalStateException if the embeddings topic cannot be described (Kafka unreachable, no topic)
     */
    public static StreamsIndex start(StreamsIndexOptions options) {
        FaissNative.load();
        StreamsIndex index = new StreamsIndex(
                options,
                partitionCount(options.bootstrapServers(), options.lane().embeddingsTopic()));
        index.streams.setUncaughtExceptionHandler(error -> {
            index.failure = error;
            LOG.error("index stream thread failed; the index role stops (restart it to resume)", error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        index.streams.start();
        LOG.info(
                "index role (Kafka Streams, exactly-once) started: {} partitions, FAISS '{}', endpoint '{}'",
                index.partitions,
                options.topology().faissFactory(),
                options.advertisedEndpoint());
        return index;
    }

    private static int partitionCount(String bootstrapServers, String embeddingsTopic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            return admin.describeTopics(List.of(embeddingsTopic))
                    .allTopicNames()
                    .get(60, TimeUnit.SECONDS)
                    .get(embeddingsTopic)
                    .partitions()
                    .size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing " + embeddingsTopic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe " + embeddingsTopic + " at " + bootstrapServers, e);
        }
    }

    private ReadOnlyKeyValueStore<Bytes, byte[]> store(String name, int partition) {
        return streams.store(
                StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<Bytes, byte[]>keyValueStore())
                        .withPartition(partition));
    }

    /** Waits until Kafka Streams runs (every assigned task restored and its shard built). */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (streams.state() == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (failure != null || !streams.state().isRunningOrRebalancing()) {
                return false;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** True if Kafka Streams runs now (not rebalancing, restoring or stopped). */
    public boolean isRunning() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /**
     * The largest consumer lag (records behind the end of a partition) over this instance's input
     * partitions, from the Kafka consumer's {@code records-lag-max} metric; 0 before the first fetch.
     */
    public double consumerLag() {
        return KafkaMetrics.maxRecordsLag(streams.metrics());
    }

    /** Kafka Streams' state: CREATED, REBALANCING, RUNNING, ERROR, ... */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The error that stopped the application, if any. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Number of partitions (shards) of the index. */
    public int partitionCount() {
        return partitions;
    }

    /** The partitions whose shards this instance serves now. */
    public List<Integer> localPartitions() {
        return registry.partitions();
    }

    /** Records processed and dead-lettered by this instance since start. */
    public long processedRecords() {
        return registry.processedRecords();
    }

    /** Ingest-to-searchable latency of the images this instance indexed (p50/p99 from it). */
    public LatencyHistogram freshness() {
        return registry.freshness();
    }

    public long deadLetteredRecords() {
        return registry.deadLetteredRecords();
    }

    /** This instance's advertised endpoint ({@code host:port}), or empty. */
    public String advertisedEndpoint() {
        return options.advertisedEndpoint();
    }

    /** Who serves which partitions, as Kafka Streams' metadata says: one entry per live instance. */
    public List<Owner> owners() {
        List<Owner> owners = new ArrayList<>();
        for (StreamsMetadata metadata : streams.metadataForAllStreamsClients()) {
            Set<Integer> owned = new TreeSet<>();
            for (TopicPartition tp : metadata.topicPartitions()) {
                if (tp.topic().equals(options.lane().embeddingsTopic())) {
                    owned.add(tp.partition());
                }
            }
            HostInfo host = metadata.hostInfo();
            owners.add(new Owner(host.host() + ":" + host.port(), List.copyOf(owned)));
        }
        return owners;
    }

    /** An instance and the partitions it owns. */
    public record Owner(String endpoint, List<Integer> partitions) {}

    /** The best {@code k} hits among this instance's shards, with the partitions that answered. */
    public ShardSearcher.LocalResult searchLocal(float[] query, int k, SearchFilter filter) {
        return searcher.search(query, k, filter);
    }

    @Override
    public long size() {
        long size = 0;
        for (Shard shard : registry.shards()) {
            try {
                size += shard.size();
            } catch (IllegalStateException e) {
                // closed while counting: its task moved; it no longer counts here
            }
        }
        return size;
    }

    /** Searches the local shards; every partition not served here is reported missing. */
    @Override
    public SearchResult searchShards(float[] query, int k, SearchFilter filter) {
        ShardSearcher.LocalResult local = searcher.search(query, k, filter);
        List<Integer> missing = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            if (!local.answered().contains(p)) {
                missing.add(p);
            }
        }
        return new SearchResult(local.hits(), missing);
    }

    /**
     * The partition an image id belongs to: Kafka's default partitioner on its UTF-8 key (murmur2), as
     * every producer of the images topic uses it. Computed here because Streams' key metadata needs
     * {@code application.server}, which a single instance may leave unset.
     */
    public int partitionOf(String imageId) {
        return Utils.toPositive(Utils.murmur2(IndexFormat.utf8(imageId))) % partitions;
    }

    /** The endpoint of the instance serving an image id's partition, if one does now. */
    public Optional<String> ownerOf(String imageId) {
        KeyQueryMetadata metadata = streams.queryMetadataForKey(
                IndexTopology.IMAGES_STORE,
                Bytes.wrap(IndexFormat.utf8(imageId)),
                Serdes.Bytes().serializer());
        HostInfo active = metadata.activeHost();
        if (active == null || active.equals(HostInfo.unavailable())) {
            return Optional.empty();
        }
        return Optional.of(active.host() + ":" + active.port());
    }

    /** The image from this instance's stores; empty if unknown here (another instance may own it). */
    @Override
    public Optional<StoredImage> get(String id) {
        try {
            return searcher.get(id, partitionOf(id));
        } catch (InvalidStateStoreException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        // Leaving the group hands this instance's shards to the others at once instead of after the
        // session timeout.
        if (!streams.close(CloseOptions.timeout(CLOSE_TIMEOUT)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP))) {
            LOG.warn("Kafka Streams did not close within {}", CLOSE_TIMEOUT);
        }
        for (Shard shard : registry.shards()) {
            registry.unregister(shard); // only left behind if a task could not close cleanly
        }
    }
}
