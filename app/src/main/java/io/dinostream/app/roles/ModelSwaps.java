package io.dinostream.app.roles;

import io.dinostream.api.ServingVersion;
import io.dinostream.api.cluster.ClusterIndexReader;
import io.dinostream.api.cluster.LocalShards;
import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.KafkaSetup;
import io.dinostream.common.registry.ActivePointer;
import io.dinostream.common.registry.BackfillProgress;
import io.dinostream.common.registry.ModelRegistry;
import io.dinostream.common.registry.ModelVersion;
import io.dinostream.common.registry.RegistryState;
import io.dinostream.common.registry.WeightStore;
import io.dinostream.common.wire.ModelLane;
import io.dinostream.common.wire.Topics;
import io.dinostream.embedder.ImageEmbedder;
import io.dinostream.embedder.ImageEmbedders;
import io.dinostream.embedder.streams.EmbedderStreams;
import io.dinostream.index.streams.StreamsIndex;
import io.dinostream.index.streams.StreamsIndexOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live model swaps, in every process that runs the embedder, the Kafka Streams index or the API. Each
 * process watches the registry and runs, for every version the registry wants other than its own model
 * (the pending one, the active one, and the previous one for {@code model.swap.keep.ms}), a lane
 * ({@link ModelLane}) of the parts its roles own: an embedder that starts at the first stored image (the
 * backfill) and follows new ones, an index, and the model for queries. Kafka spreads each lane's
 * partitions over the processes that run it, as it does the default lane's.
 *
 * <p>One serving process, elected by Kafka ({@link SwapWriterElection}), writes the flip: once the pending
 * version has caught up over the whole cluster ({@link BackfillCheck}: every instance's lane index, summed
 * through the internal routes, and the lane embedders' committed offsets) and passes the optional
 * {@link QualityGate}, it completes the activation in the registry; it also reports the backfill's
 * progress there. Every serving process flips its {@link ServingVersion} to the registry's active version
 * at its next check. A rollback is a registry write that the processes follow at once, to a lane still
 * kept. A query reads the serving pair once, and scatter-gather asks the other instances for the same
 * version's shards, so no answer mixes versions.
 */
public final class ModelSwaps implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelSwaps.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);

    /** The parts of a lane this process runs, by its roles. */
    public record Parts(boolean embed, boolean index, boolean serve) {
        boolean needsModel() {
            return embed || serve;
        }
    }

    /** A version's model, embedder and index, running beside the process's own. */
    private record Lane(
            String version,
            ImageEmbedder model,
            EmbedderStreams embedding,
            StreamsIndex index,
            ClusterIndexReader reader,
            Instant started)
            implements AutoCloseable {
        /** The pair that serves this version's queries here, once its index runs (serving processes). */
        Optional<ServingVersion.Pair> pair() {
            return model == null || reader == null || !index.isRunning()
                    ? Optional.empty()
                    : Optional.of(new ServingVersion.Pair(model, reader));
        }

        @Override
        public void close() {
            try (ImageEmbedder m = model;
                    StreamsIndex i = index;
                    EmbedderStreams e = embedding) {
                // closed in reverse: the embedder's stream first, then the index, then the model
            }
        }
    }

    private final DinostreamConfig config;
    private final Parts parts;
    private final String ownVersion;
    private final ServingVersion serving;
    private final ServingVersion.Pair own;
    private final ClusterIndexReader primary;
    private final Duration keep;
    private final QualityGate gate;
    private final Map<String, Lane> lanes = new HashMap<>();
    private final Map<String, QualityGate.Verdict> verdicts = new HashMap<>();
    private final ScheduledExecutorService loop;
    private SwapWriterElection election;
    private Admin admin;
    private volatile String servingVersion;
    private volatile BackfillProgress lastProgress;

    private ModelSwaps(
            DinostreamConfig config,
            Parts parts,
            String ownVersion,
            ServingVersion serving,
            ClusterIndexReader primary,
            QualityGate gate) {
        this.config = config;
        this.parts = parts;
        this.ownVersion = ownVersion;
        this.serving = serving;
        this.own = serving == null ? null : serving.current();
        this.primary = primary;
        this.gate = gate;
        this.servingVersion = ownVersion;
        this.keep = Duration.ofMillis(config.getLong(DinostreamConfig.MODEL_SWAP_KEEP_MS));
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dinostream-model-swaps");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts watching the registry every {@code model.swap.check.ms}.
     *
     * @param ownVersion the version of the process's own model (its default lane)
     * @param serving the serving pair to flip; null unless {@code parts.serve()}
     * @param primary the process's scatter-gather reader of its default lane (its {@link LocalShards} get
     *     the lanes' indexes); null unless {@code parts.index()}
     */
    public static ModelSwaps start(
            DinostreamConfig config, Parts parts, String ownVersion, ServingVersion serving, ClusterIndexReader primary)
            throws java.io.IOException {
        if (parts.serve() && (serving == null || primary == null)) {
            throw new IllegalArgumentException("a serving process needs its serving pair and its index reader");
        }
        if (parts.index() && primary == null) {
            throw new IllegalArgumentException("an index process needs its index reader");
        }
        ModelSwaps swaps = new ModelSwaps(
                config, parts, ownVersion, serving, primary, parts.serve() ? QualityGate.fromConfig(config) : null);
        if (parts.serve()) {
            swaps.election = new SwapWriterElection(
                    config, "dinostream-swap-writer-" + ProcessHandle.current().pid());
            swaps.admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    config.bootstrapServers(),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                    (int) ADMIN_TIMEOUT.toMillis(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                    (int) ADMIN_TIMEOUT.toMillis()));
        }
        long period = config.getInt(DinostreamConfig.MODEL_SWAP_CHECK_MS);
        swaps.loop.scheduleWithFixedDelay(swaps::stepLogged, 0, period, TimeUnit.MILLISECONDS);
        return swaps;
    }

    /** The version this process serves now (its own model's where it serves no queries). */
    public String servingVersion() {
        return servingVersion;
    }

    /** The newest backfill progress in the registry, as of this process's last check. */
    public Optional<BackfillProgress> progress() {
        return Optional.ofNullable(lastProgress);
    }

    private void stepLogged() {
        try {
            step();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // The next step retries: a registry that cannot be read now (Kafka away) changes nothing served.
            LOG.warn("model swap step failed, retrying: {}", e.toString());
        }
    }

    private synchronized void step() throws Exception {
        boolean writer = election != null && election.isWriter();
        ModelRegistry registry = ModelRegistry.read(config); // the node created the topic at start
        RegistryState state = registry.state();
        Optional<ActivePointer> pointer = state.pointer();
        if (pointer.isEmpty()) {
            return;
        }
        Set<String> wanted = wanted(pointer.get(), Instant.now());
        closeLanesOutside(wanted);
        for (String version : wanted) {
            if (!lanes.containsKey(version)) {
                Optional<ModelVersion> described = state.version(version);
                if (described.isEmpty()) {
                    LOG.warn("the registry wants version {}, which it does not describe", version);
                    continue;
                }
                lanes.put(version, startLane(described.get()));
            }
        }
        if (writer && pointer.get().pending() != null) {
            writeProgressOrFlip(registry, pointer.get());
            state = registry.state();
            pointer = state.pointer();
        }
        if (serving != null) {
            serveActive(pointer.orElseThrow());
        }
        String shown = pointer.orElseThrow().pending() != null
                ? pointer.get().pending()
                : pointer.get().active();
        lastProgress = shown == null ? null : state.progress(shown).orElse(null);
    }

    /**
     * The versions whose lanes must run here: the pending and the active one, and the previous one while
     * the pointer's last change is younger than the keep time (what an immediate rollback needs).
     */
    private Set<String> wanted(ActivePointer pointer, Instant now) {
        Set<String> wanted = new LinkedHashSet<>();
        wanted.add(pointer.pending());
        wanted.add(pointer.active());
        if (Duration.between(pointer.changedAt(), now).compareTo(keep) < 0) {
            wanted.add(pointer.previous());
        }
        wanted.remove(null);
        wanted.remove(ownVersion);
        return wanted;
    }

    private void closeLanesOutside(Set<String> wanted) {
        lanes.entrySet().removeIf(e -> {
            if (wanted.contains(e.getKey()) || e.getKey().equals(servingVersion)) {
                return false; // the serving lane closes only once the flip away from it happened
            }
            LOG.info("model swap: closing the lane of version {} (no longer wanted)", e.getKey());
            if (primary != null) {
                primary.shards().removeLane(e.getKey());
            }
            e.getValue().close();
            return true;
        });
    }

    /** The elected writer: reports the cluster's backfill progress and completes the activation when due. */
    private void writeProgressOrFlip(ModelRegistry registry, ActivePointer pointer) throws Exception {
        String pending = pointer.pending();
        if (pending.equals(ownVersion)) {
            registry.completeActivation(pending); // every process serves its own model's index already
            return;
        }
        Lane lane = lanes.get(pending);
        if (lane == null) {
            return; // not described yet; logged when the lane was wanted
        }
        String active = pointer.active() != null ? pointer.active() : ownVersion;
        Optional<Map<String, List<io.dinostream.api.cluster.ShardProtocol.LaneState>>> cluster =
                primary.clusterLaneStates();
        if (cluster.isEmpty()) {
            LOG.info("model swap to {}: an index instance did not report its lanes; checking again", pending);
            return;
        }
        OptionalLong embedderLag =
                new GroupLag(admin, ADMIN_TIMEOUT).of(ModelLane.of(pending).embedderApplicationId(), Topics.IMAGES);
        BackfillCheck.Verdict verdict = BackfillCheck.judge(cluster.get(), pending, active, embedderLag);
        boolean flip = verdict.caughtUp() && passesGate(lane);
        double seconds =
                Math.max(1e-3, Duration.between(lane.started(), Instant.now()).toMillis() / 1000.0);
        QualityGate.Verdict gateVerdict = verdicts.get(pending);
        registry.reportProgress(new BackfillProgress(
                pending,
                verdict.laneVectors(),
                verdict.servingVectors(),
                verdict.laneVectors() / seconds,
                lane.started(),
                Instant.now(),
                flip,
                gateVerdict == null ? null : gateVerdict.describe()));
        if (flip) {
            registry.completeActivation(pending);
            LOG.info("model swap: activated {} ({} vectors caught up)", pending, verdict.laneVectors());
        } else {
            verdict.hold().ifPresent(reason -> LOG.debug("model swap to {} waits: {}", pending, reason));
        }
    }

    /** Flips the serving pair to the registry's active version once this process's lane of it runs. */
    private void serveActive(ActivePointer pointer) {
        String target = pointer.active() != null ? pointer.active() : ownVersion;
        if (target.equals(servingVersion)) {
            return;
        }
        Optional<ServingVersion.Pair> pair = target.equals(ownVersion)
                ? Optional.of(own)
                : Optional.ofNullable(lanes.get(target)).flatMap(Lane::pair);
        if (pair.isEmpty()) {
            LOG.info(
                    "model swap: {} is active, but its index here is not running yet; serving {}",
                    target,
                    servingVersion);
            return;
        }
        String from = servingVersion;
        serving.switchTo(pair.get());
        servingVersion = target;
        LOG.info("model swap: now serving {} (was {})", target, from);
    }

    private Lane startLane(ModelVersion version) throws Exception {
        ModelLane lane = ModelLane.of(version.id());
        ImageEmbedder model = null;
        StreamsIndex index = null;
        EmbedderStreams embedding = null;
        try {
            if (parts.needsModel()) {
                Path weights = new WeightStore(config.modelStoreDir()).verified(version.weightsDigest());
                Map<String, Object> settings = new HashMap<>(config.originals());
                settings.put(DinostreamConfig.MODEL_WEIGHTS, weights.toString());
                model = ImageEmbedders.fromConfig(new DinostreamConfig(settings));
            }
            KafkaSetup.createIfMissing(config, List.of(KafkaSetup.embeddingsTopic(config, lane)));
            ClusterIndexReader reader = null;
            if (parts.index()) {
                index = StreamsIndex.start(
                        StreamsIndexOptions.fromConfig(config).forLane(lane));
                primary.shards().addLane(version.id(), index);
                reader = primary.forLane(version.id(), index);
            }
            if (parts.embed()) {
                embedding = EmbedderStreams.start(config, model, lane, Map.of());
            }
            LOG.info("model swap: running {} for version {} ({})", lane, version.id(), parts);
            return new Lane(version.id(), model, embedding, index, reader, Instant.now());
        } catch (Exception | Error e) {
            if (index != null) {
                primary.shards().removeLane(version.id());
            }
            try (ImageEmbedder m = model;
                    StreamsIndex i = index;
                    EmbedderStreams s = embedding) {
                throw e;
            }
        }
    }

    /** The gate's verdict on a caught-up lane, judged once (it embeds the probe set with both models). */
    private boolean passesGate(Lane lane) {
        if (gate == null) {
            return true;
        }
        QualityGate.Verdict verdict = verdicts.computeIfAbsent(lane.version(), v -> {
            QualityGate.Verdict judged =
                    gate.judge(lane.model(), serving.current().embedder());
            if (!judged.passed()) {
                // once, when judged: the verdict stands, and the registry's progress carries it
                LOG.warn("model swap to {} held: {}", v, judged.describe());
            }
            return judged;
        });
        return verdict.passed();
    }

    @Override
    public void close() {
        loop.shutdownNow();
        try {
            loop.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (serving != null) {
                serving.switchTo(own);
            }
            for (Map.Entry<String, Lane> lane : lanes.entrySet()) {
                if (primary != null) {
                    primary.shards().removeLane(lane.getKey());
                }
                lane.getValue().close();
            }
            lanes.clear();
            try (SwapWriterElection e = election;
                    Admin a = admin) {
                // leaves the writer group, so another serving process takes over at once
            }
        }
    }
}
