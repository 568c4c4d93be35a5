package io.dinostream.app.roles;

import io.dinostream.api.ApiServer;
import io.dinostream.api.ApiServerOptions;
import io.dinostream.api.ApiServices;
import io.dinostream.api.Readiness;
import io.dinostream.api.ServingVersion;
import io.dinostream.api.cluster.ClusterIndexReader;
import io.dinostream.api.cluster.LocalShards;
import io.dinostream.api.metrics.ApiMetrics;
import io.dinostream.api.security.ApiAccess;
import io.dinostream.app.registry.KafkaModelAdmin;
import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.KafkaSetup;
import io.dinostream.embedder.ImageEmbedder;
import io.dinostream.embedder.ImageEmbedders;
import io.dinostream.embedder.streams.EmbedderStreams;
import io.dinostream.index.ImageIndexReader;
import io.dinostream.index.streams.StreamsIndex;
import io.dinostream.ingest.ImagePublisher;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The roles of one process, started in dependency order (index, embedder, HTTP server) and closed in
 * reverse. The embedder role and the API share one loaded model; the api and ingest roles share one HTTP
 * server, which mounts the routes of the roles present.
 */
public final class Node implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);
    /** Longest wait for another instance's shards during a scatter-gather search. */
    private static final java.time.Duration SHARD_CALL_TIMEOUT = java.time.Duration.ofSeconds(5);
    /** The longest a readiness check waits for Kafka. */
    private static final java.time.Duration READY_CHECK_TIMEOUT = java.time.Duration.ofSeconds(3);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private ImageEmbedder embedder;
    private IndexRole index;
    private ImageIndexReader searchable;
    private ClusterIndexReader cluster;
    private EmbedderStreams embedderStreams;
    private DeadLetterWatch deadLetters;
    private ApiServer api;
    private volatile ModelSwaps swaps;
    private boolean closed;
    private Optional<String> generatedKey = Optional.empty();

    private Node() {}

    /**
     * Starts {@code roles} against the Kafka cluster of {@code config}, creating the topics if missing.
     * On failure everything already started is closed again.
     */
    public static Node start(DinostreamConfig config, Set<Role> roles) throws Exception {
        Node node = new Node();
        try {
            KafkaSetup.createTopics(config);
            boolean http = roles.contains(Role.API) || roles.contains(Role.INGEST);
            ApiAccess.Loaded access = http ? ApiAccess.fromConfig(config) : null;
            if (access != null) {
                node.generatedKey = access.generatedSecret();
                // Printed once on the terminal, never logged: the only copy the user gets.
                access.generatedSecret()
                        .ifPresent(secret -> System.out.println("API key (admin role, generated because "
                                + "api.keys.file and DINOSTREAM_API_KEYS set none; shown once): " + secret));
            }
            String clusterKey = access == null
                    ? null
                    : access.access().keys().clusterSecret().orElse(null);
            if (roles.contains(Role.EMBEDDER) || roles.contains(Role.API)) {
                node.embedder = ImageEmbedders.fromConfig(config);
                node.started.push(node.embedder);
                LOG.info("model loaded: {}", node.embedder.spec());
            }
            String ownVersion =
                    node.embedder == null ? "" : node.embedder.spec().modelVersion();
            if (roles.contains(Role.INDEX)) {
                node.index = IndexRole.start(config);
                node.started.push(node.index);
                node.cluster = node.index
                        .streams()
                        .map(local -> new ClusterIndexReader(
                                new LocalShards(local, ownVersion), SHARD_CALL_TIMEOUT, clusterKey))
                        .orElse(null);
                node.searchable = node.cluster != null ? node.cluster : node.index.reader();
                LOG.info(
                        "index role started ({} vectors restored here)",
                        node.index.reader().size());
            }
            if (roles.contains(Role.EMBEDDER)) {
                node.embedderStreams = EmbedderStreams.start(config, node.embedder);
                node.started.push(node.embedderStreams);
                LOG.info("embedder role started");
            }
            if (roles.contains(Role.API) || roles.contains(Role.INGEST)) {
                ApiServices services =
                        roles.contains(Role.API) ? ApiServices.search(node.embedder, node.searchable) : null;
                Admin admin = Admin.create(Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        config.bootstrapServers(),
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                        (int) READY_CHECK_TIMEOUT.toMillis(),
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        (int) READY_CHECK_TIMEOUT.toMillis()));
                node.started.push(admin);
                Readiness readiness = node.readiness(admin);
                if (roles.contains(Role.INGEST)) {
                    ImagePublisher publisher = new ImagePublisher(config, Clock.systemUTC());
                    node.started.push(publisher);
                    services = services == null ? ApiServices.ingestOnly(publisher) : services.withIngest(publisher);
                    LOG.info("ingest role started: PUT /v1/images/{id} publishes to Kafka");
                }
                node.deadLetters = DeadLetterWatch.start(config);
                node.started.push(node.deadLetters);
                services = services.withReadiness(readiness)
                        .withMetrics(node.metrics())
                        .withPipeline(node::pipeline)
                        .withModels(new KafkaModelAdmin(config));
                if (roles.contains(Role.API) && node.cluster != null) {
                    node.startSwaps(config, roles, ownVersion, services.serving());
                }
                Vertx vertx = Vertx.vertx();
                node.started.push(() -> vertx.close().await());
                node.api = ApiServer.create(vertx, ApiServerOptions.fromConfig(config, access.access()), services);
                int port = node.api.start().await();
                node.started.push(() -> node.api.close().await());
                LOG.info("HTTP listening on http://{}:{}", config.getString(DinostreamConfig.API_HOST), port);
            }
            boolean workerIndex = roles.contains(Role.INDEX) && node.cluster == null;
            if (node.swaps == null && node.embedder != null && !workerIndex) {
                // embedder (or embedder and index) processes without the API: they run lanes, never flip
                node.startSwaps(config, roles, ownVersion, null);
            }
            return node;
        } catch (Exception | Error e) {
            node.close();
            throw e;
        }
    }

    /**
     * Live model swaps for the parts this process runs: embedder lanes with the embedder role, lane indexes
     * with the Kafka Streams index, serving pairs and the flip with the API beside it. A process whose
     * index is the standalone worker takes no part: that engine does not shard and has no lanes.
     */
    private void startSwaps(DinostreamConfig config, Set<Role> roles, String ownVersion, ServingVersion serving)
            throws java.io.IOException {
        ModelSwaps.Parts parts = new ModelSwaps.Parts(
                roles.contains(Role.EMBEDDER), cluster != null, serving != null && cluster != null);
        swaps = ModelSwaps.start(config, parts, ownVersion, serving, cluster);
        started.push(swaps);
    }

    /** What {@code /health} and the page's status panel show of the pipeline: dead letters, a model swap. */
    private Map<String, Object> pipeline() {
        Map<String, Object> facts = new java.util.LinkedHashMap<>(deadLetters.describe());
        ModelSwaps modelSwaps = swaps;
        if (modelSwaps != null) {
            Map<String, Object> swap = new java.util.LinkedHashMap<>();
            swap.put("serving", modelSwaps.servingVersion());
            modelSwaps.progress().ifPresent(p -> {
                swap.put("version", p.version());
                swap.put("percent", Math.round(p.percent()));
                swap.put("imagesPerSecond", Math.round(p.imagesPerSecond() * 10) / 10.0);
                swap.put("done", p.done());
                if (p.gate() != null) {
                    swap.put("gate", p.gate());
                }
            });
            facts.put("modelSwap", swap);
        }
        return facts;
    }

    /**
     * The process's metrics with the roles' meters bound: index size, dead letters, freshness p50/p99 and
     * consumer lag of the Kafka Streams roles, embedder counters.
     */
    private ApiMetrics metrics() {
        ApiMetrics metrics = new ApiMetrics();
        MeterRegistry registry = metrics.registry();
        if (index != null) {
            ImageIndexReader reader = index.reader();
            Gauge.builder("dinostream_index_vectors", reader, ImageIndexReader::size)
                    .description("vectors in this instance's index shards")
                    .register(registry);
            index.streams().ifPresent(streams -> {
                Gauge.builder("dinostream_index_dead_letters", streams, StreamsIndex::deadLetteredRecords)
                        .description("records the index sent to the dead-letter topic since start")
                        .register(registry);
                Gauge.builder("dinostream_index_consumer_lag_records", streams, StreamsIndex::consumerLag)
                        .description("largest consumer lag over the index's input partitions")
                        .register(registry);
                for (double p : new double[] {0.5, 0.99}) {
                    Gauge.builder("dinostream_freshness_ms", streams, s -> s.freshness()
                                    .percentile(p))
                            .description("ingest-to-searchable latency of the images indexed here (-1 before any)")
                            .tag("quantile", Double.toString(p))
                            .register(registry);
                }
            });
        }
        if (deadLetters != null) {
            Gauge.builder("dinostream_dead_letters", deadLetters, DeadLetterWatch::count)
                    .description("records in the dead-letter topic, every stage and instance")
                    .register(registry);
        }
        if (embedderStreams != null) {
            EmbedderStreams e = embedderStreams;
            Gauge.builder("dinostream_embedder_embedded", e, x -> x.metrics().embedded())
                    .register(registry);
            Gauge.builder("dinostream_embedder_dead_letters", e, x -> x.metrics()
                            .deadLettered())
                    .register(registry);
            Gauge.builder("dinostream_embedder_retries", e, x -> x.metrics().retries())
                    .register(registry);
            Gauge.builder("dinostream_embedder_consumer_lag_records", e, EmbedderStreams::consumerLag)
                    .register(registry);
        }
        return metrics;
    }

    /**
     * The checks of {@code GET /ready}: Kafka answers (a bounded describe-cluster call), the index runs
     * (Kafka Streams RUNNING, or the worker's loop alive) and the model is loaded, for the roles present.
     */
    private Readiness readiness(Admin admin) {
        return () -> {
            Map<String, Boolean> checks = new java.util.TreeMap<>();
            checks.put("kafka", kafkaAnswers(admin));
            if (index != null) {
                checks.put("index", index.failure().isEmpty() && index.isServing());
            }
            if (embedder != null) {
                checks.put("model", true);
            }
            if (embedderStreams != null) {
                checks.put("embedder", embedderStreams.failure().isEmpty());
            }
            return checks;
        };
    }

    private static boolean kafkaAnswers(Admin admin) {
        try {
            return !admin.describeCluster()
                    .nodes()
                    .get(READY_CHECK_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("readiness: Kafka does not answer: {}", e.toString());
            return false;
        }
    }

    /**
     * The index as this process searches it, if it runs the index role: with Kafka Streams, every shard
     * of the cluster (scatter-gather), with the worker, its one store.
     */
    public Optional<ImageIndexReader> index() {
        return Optional.ofNullable(searchable);
    }

    /** The index role of this process, if it runs one. */
    public Optional<IndexRole> indexRole() {
        return Optional.ofNullable(index);
    }

    /** The model of this process, if it runs the embedder or API role. */
    public Optional<ImageEmbedder> embedder() {
        return Optional.ofNullable(embedder);
    }

    /** The embedder role of this process, if it runs one. */
    public Optional<EmbedderStreams> embedderStreams() {
        return Optional.ofNullable(embedderStreams);
    }

    /** The live model swaps of this process, if it runs the embedder, the Kafka Streams index or the API. */
    public Optional<ModelSwaps> swaps() {
        return Optional.ofNullable(swaps);
    }

    /** The admin key generated at start because none was configured (secure by default), if any. */
    public Optional<String> generatedApiKey() {
        return generatedKey;
    }

    /** The bound API port, if the API runs. */
    public Optional<Integer> apiPort() {
        return api == null ? Optional.empty() : Optional.of(api.actualPort());
    }

    /** Closes every started role in reverse start order; idempotent. The first failure is rethrown. */
    @Override
    public synchronized void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        Exception first = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
