package io.dinostream.api.cluster;

import io.dinostream.index.ImageIndexReader;
import io.dinostream.index.SearchFilter;
import io.dinostream.index.SearchHit;
import io.dinostream.index.SearchResult;
import io.dinostream.index.ShardedImageIndexReader;
import io.dinostream.index.StoredImage;
import io.dinostream.index.streams.ShardSearcher;
import io.dinostream.index.streams.StreamsIndex;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole sharded index as one {@link ImageIndexReader}: a search goes to this instance's shards and,
 * in parallel, to every other instance that owns shards (Kafka Streams metadata names them by their
 * advertised endpoint), and the top {@code k} of all answers are merged. Partitions that no instance
 * answered for (no owner during a rebalance, an owner that is down or too slow) are named in the
 * {@link SearchResult}, never silently dropped.
 *
 * <p>Blocking: call it from a worker thread (the API's worker pool does). Remote calls use the JDK HTTP
 * client with a per-call timeout.
 */
public final class ClusterIndexReader implements ShardedImageIndexReader {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterIndexReader.class);

    private final LocalShards shards;
    private final StreamsIndex local;
    /** The model version whose index this reader searches, named in every call to another instance. */
    private final String version;

    private final HttpClient http;
    private final Duration timeout;
    private final String clusterKey;

    /** A reader of one index with no other versions beside it (benchmarks, a process without a model). */
    public ClusterIndexReader(StreamsIndex local, Duration timeout, String clusterKey) {
        this(new LocalShards(local, ""), timeout, clusterKey);
    }

    /**
     * The primary index of {@code shards}, the process's own model's.
     *
     * @param clusterKey the API key this instance presents to the others (an admin key of the shared key
     *     set), or null when the cluster runs without keys
     */
    public ClusterIndexReader(LocalShards shards, Duration timeout, String clusterKey) {
        this(
                shards,
                shards.primary(),
                shards.primaryVersion().isEmpty() ? null : shards.primaryVersion(),
                timeout,
                clusterKey,
                // HTTP/1.1: plain keep-alive connections between instances, no h2c upgrade per connection.
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(timeout)
                        .build());
    }

    private ClusterIndexReader(
            LocalShards shards,
            StreamsIndex local,
            String version,
            Duration timeout,
            String clusterKey,
            HttpClient http) {
        this.shards = shards;
        this.local = local;
        this.version = version;
        this.timeout = timeout;
        this.clusterKey = clusterKey;
        this.http = http;
    }

    /**
     * The whole index of another model version: {@code lane} here (registered in the shared
     * {@link LocalShards}), and that version's shards on the other instances.
     */
    public ClusterIndexReader forLane(String laneVersion, StreamsIndex lane) {
        return new ClusterIndexReader(shards, lane, laneVersion, timeout, clusterKey, http);
    }

    /** The local part of the index this reader searches. */
    public StreamsIndex local() {
        return local;
    }

    /** Every version's local shards (for the internal routes this instance serves to the others). */
    public LocalShards shards() {
        return shards;
    }

    /** This instance's and every other index instance's shards of each version they hold. */
    public List<ShardProtocol.LaneState> laneStates() {
        List<ShardProtocol.LaneState> states = new ArrayList<>();
        shards.all()
                .forEach((v, index) -> states.add(
                        new ShardProtocol.LaneState(v, index.size(), index.consumerLag(), index.isRunning())));
        return states;
    }

    /**
     * The lane states of every index instance that the primary index's metadata names, this one's
     * included; empty when an instance did not answer (the caller cannot tell the whole then).
     */
    public Optional<Map<String, List<ShardProtocol.LaneState>>> clusterLaneStates() {
        Map<String, List<ShardProtocol.LaneState>> all = new java.util.TreeMap<>();
        String self = shards.primary().advertisedEndpoint();
        all.put(self.isBlank() ? "self" : self, laneStates());
        if (self.isBlank()) {
            return Optional.of(all);
        }
        for (StreamsIndex.Owner owner : shards.primary().owners()) {
            if (owner.endpoint().equals(self) || owner.endpoint().endsWith(":-1")) {
                continue;
            }
            try {
                HttpResponse<String> response = http.send(
                        get(owner.endpoint(), ShardProtocol.LANES_PATH), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    LOG.warn(
                            "lane states of {} answered {}: {}",
                            owner.endpoint(),
                            response.statusCode(),
                            response.body());
                    return Optional.empty();
                }
                all.put(owner.endpoint(), ShardProtocol.parseLanes(new JsonObject(response.body())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            } catch (java.io.IOException | RuntimeException e) {
                LOG.warn("lane states of {} failed: {}", owner.endpoint(), e.toString());
                return Optional.empty();
            }
        }
        return Optional.of(all);
    }

    @Override
    public long size() {
        return local.size();
    }

    @Override
    public SearchResult searchShards(float[] query, int k, SearchFilter filter) {
        String self = local.advertisedEndpoint();
        Map<String, CompletableFuture<HttpResponse<String>>> calls = new java.util.LinkedHashMap<>();
        // Without an advertised endpoint this instance cannot be part of a scatter-gather: it answers for
        // its own shards and names the others missing.
        List<StreamsIndex.Owner> owners = self.isBlank() ? List.of() : local.owners();
        String body = null; // encoded once, and only when another instance is asked
        for (StreamsIndex.Owner owner : owners) {
            if (owner.endpoint().equals(self)
                    || owner.partitions().isEmpty()
                    || owner.endpoint().endsWith(":-1")) {
                continue;
            }
            if (body == null) {
                body = ShardProtocol.searchRequest(query, k, filter, version).encode();
            }
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create("http://" + owner.endpoint() + ShardProtocol.SEARCH_PATH))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .headers(credentials())
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            calls.put(owner.endpoint(), http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        ShardSearcher.LocalResult mine = local.searchLocal(query, k, filter);
        List<SearchHit> all = new ArrayList<>(mine.hits());
        TreeSet<Integer> answered = new TreeSet<>(mine.answered());
        for (Map.Entry<String, CompletableFuture<HttpResponse<String>>> call : calls.entrySet()) {
            Optional<ShardProtocol.ShardAnswer> answer = await(call.getKey(), call.getValue());
            answer.ifPresent(a -> {
                all.addAll(a.hits());
                answered.addAll(a.answered());
            });
        }
        all.sort(Comparator.comparingDouble(SearchHit::score).reversed());
        List<Integer> missing = new ArrayList<>();
        for (int p = 0; p < local.partitionCount(); p++) {
            if (!answered.contains(p)) {
                missing.add(p);
            }
        }
        if (!missing.isEmpty()) {
            LOG.warn("search answered without shards {} (no owner, or the owner did not answer)", missing);
        }
        return new SearchResult(all.subList(0, Math.min(k, all.size())), missing);
    }

    private Optional<ShardProtocol.ShardAnswer> await(String endpoint, CompletableFuture<HttpResponse<String>> call) {
        try {
            HttpResponse<String> response = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (response.statusCode() != 200) {
                LOG.warn("shard search on {} answered {}: {}", endpoint, response.statusCode(), response.body());
                return Optional.empty();
            }
            return Optional.of(ShardProtocol.parseSearchResponse(new JsonObject(response.body())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            call.cancel(true);
            LOG.warn("shard search on {} failed: {}", endpoint, e.toString());
            return Optional.empty();
        }
    }

    /** A GET of {@code pathAndQuery} on another instance, with this instance's credentials and the timeout. */
    private HttpRequest get(String endpoint, String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://" + endpoint + pathAndQuery))
                .timeout(timeout)
                .headers(credentials())
                .GET()
                .build();
    }

    private String[] credentials() {
        return clusterKey == null ? new String[0] : new String[] {"Authorization", "Bearer " + clusterKey};
    }

    /** From this instance's stores if it owns the image's shard, else from the owner. */
    @Override
    public Optional<StoredImage> get(String id) {
        Optional<String> owner = local.ownerOf(id);
        if (owner.isEmpty()
                || owner.get().equals(local.advertisedEndpoint())
                || local.advertisedEndpoint().isBlank()) {
            return local.get(id);
        }
        String query = version == null
                ? ""
                : "?" + ShardProtocol.VERSION_PARAM + "=" + URLEncoder.encode(version, StandardCharsets.UTF_8);
        HttpRequest request =
                get(owner.get(), ShardProtocol.IMAGES_PATH + URLEncoder.encode(id, StandardCharsets.UTF_8) + query);
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404) {
                return Optional.empty();
            }
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "image look-up on " + owner.get() + " answered " + response.statusCode());
            }
            return Optional.of(ShardProtocol.parseImage(new JsonObject(response.body())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + owner.get() + " for " + id, e);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot reach " + owner.get() + " for image " + id, e);
        }
    }
}
