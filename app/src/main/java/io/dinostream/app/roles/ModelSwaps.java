package io.dinostream.app.roles;

import io.dinostream.api.ServingVersion;
import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.KafkaSetup;
import io.dinostream.common.registry.ActivePointer;
import io.dinostream.common.registry.BackfillProgress;
import io.dinostream.common.registry.ModelRegistry;
import io.dinostream.common.registry.ModelVersion;
import io.dinostream.common.registry.RegistryState;
import io.dinostream.common.registry.WeightStore;
import io.dinostream.common.wire.ModelLane;
import io.dinostream.embedder.ImageEmbedder;
import io.dinostream.embedder.ImageEmbedders;
import io.dinostream.embedder.streams.EmbedderStreams;
import io.dinostream.index.streams.StreamsIndex;
import io.dinostream.index.streams.StreamsIndexOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live model swaps in a process that runs every role: it watches the registry and converges what it
 * serves to the version the registry wants (the pending one, else the active one). A version other than
 * the process's own model runs in a lane of its own ({@link ModelLane}): its model from the weight store,
 * an embedder that starts at the first stored image (the backfill) and follows new ones, and its own
 * index. Once that index holds as many vectors as the serving one and its embedder has no lag, the
 * serving pair flips ({@link ServingVersion}) and the flip is written to the registry. A rollback flips
 * back at once to a lane still running; lanes left behind are kept for {@code model.swap.keep.ms}.
 */
public final class ModelSwaps implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelSwaps.class);

    /** A version's model, embedder and index, running beside the process's own. */
    private record Lane(
            String version, ImageEmbedder embedder, EmbedderStreams embedding, StreamsIndex index, Instant started)
            implements AutoCloseable {
        ServingVersion.Pair pair() {
            return new ServingVersion.Pair(embedder, index);
        }

        boolean caughtUpWith(long servingVectors) {
            return index.isRunning()
                    && embedding.failure().isEmpty()
                    && embedding.consumerLag() == 0
                    && index.consumerLag() == 0
                    && index.size() >= servingVectors;
        }

        @Override
        public void close() {
            try (ImageEmbedder e = embedder;
                    StreamsIndex i = index;
                    EmbedderStreams s = embedding) {
                // closed in reverse: the embedder's stream first, then the index, then the model
            }
        }
    }

    private final DinostreamConfig config;
    private final ServingVersion serving;
    private final ServingVersion.Pair own;
    private final String ownVersion;
    private final Duration keep;
    private final Map<String, Lane> lanes = new HashMap<>();
    private final Map<String, Instant> leftAt = new HashMap<>();
    private final QualityGate gate;
    private final Map<String, QualityGate.Verdict> verdicts = new HashMap<>();
    private final ScheduledExecutorService loop;
    private volatile String servingVersion;
    private volatile BackfillProgress lastProgress;

    private ModelSwaps(DinostreamConfig config, ServingVersion serving, Duration keep, QualityGate gate) {
        this.config = config;
        this.gate = gate;
        this.serving = serving;
        this.own = serving.current();
        this.ownVersion = own.embedder().spec().modelVersion();
        this.servingVersion = ownVersion;
        this.keep = keep;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dinostream-model-swaps");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts watching the registry every {@code period}. */
    public static ModelSwaps start(DinostreamConfig config, ServingVersion serving, Duration period)
            throws java.io.IOException {
        ModelSwaps swaps = new ModelSwaps(
                config,
                serving,
                Duration.ofMillis(config.getLong(DinostreamConfig.MODEL_SWAP_KEEP_MS)),
                QualityGate.fromConfig(config));
        swaps.loop.scheduleWithFixedDelay(swaps::stepLogged, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return swaps;
    }

    /** The version this process serves now. */
    public String servingVersion() {
        return servingVersion;
    }

    /** The last backfill this process reported, if any. */
    public Optional<BackfillProgress> progress() {
        return Optional.ofNullable(lastProgress);
    }

    private void stepLogged() {
        try {
            step();
        } catch (Exception e) {
            // The next step retries: a registry that cannot be read now (Kafka away) changes nothing served.
            LOG.warn("model swap step failed, retrying: {}", e.toString());
        }
    }

    private synchronized void step() throws Exception {
        ModelRegistry registry = ModelRegistry.read(config); // the node created the topic at start
        RegistryState state = registry.state();
        Optional<ActivePointer> pointer = state.pointer();
        if (pointer.isPresent()) {
            converge(registry, state, pointer.get());
        }
        retireLeftLanes();
    }

    private void converge(ModelRegistry registry, RegistryState state, ActivePointer pointer) throws Exception {
        String desired = pointer.desired();
        if (desired.equals(servingVersion)) {
            if (desired.equals(pointer.pending())) {
                registry.completeActivation(desired); // served already (e.g. the process's own model)
            }
            return;
        }
        if (desired.equals(ownVersion)) {
            flip(registry, pointer, desired, own);
            return;
        }
        Lane lane = lanes.get(desired);
        if (lane == null) {
            Optional<ModelVersion> version = state.version(desired);
            if (version.isEmpty()) {
                LOG.warn("the registry wants version {}, which it does not describe", desired);
                return;
            }
            lane = startLane(version.get());
            lanes.put(desired, lane);
        }
        long servingVectors = serving.current().index().size();
        BackfillProgress progress = progress(lane, servingVectors, false);
        if (lane.caughtUpWith(servingVectors) && passesGate(lane)) {
            flip(registry, pointer, desired, lane.pair());
            progress = progress(lane, servingVectors, true);
        }
        lastProgress = progress;
        if (desired.equals(pointer.pending())) {
            registry.reportProgress(progress);
        }
    }

    private void flip(ModelRegistry registry, ActivePointer pointer, String version, ServingVersion.Pair pair)
            throws Exception {
        String from = servingVersion;
        serving.switchTo(pair);
        servingVersion = version;
        leftAt.put(from, Instant.now());
        leftAt.remove(version);
        if (version.equals(pointer.pending())) {
            registry.completeActivation(version);
        }
        LOG.info("model swap: now serving {} (was {})", version, from);
    }

    private Lane startLane(ModelVersion version) throws Exception {
        ModelLane lane = ModelLane.of(version.id());
        Path weights = new WeightStore(config.modelStoreDir()).verified(version.weightsDigest());
        Map<String, Object> settings = new HashMap<>(config.originals());
        settings.put(DinostreamConfig.MODEL_WEIGHTS, weights.toString());
        ImageEmbedder embedder = ImageEmbedders.fromConfig(new DinostreamConfig(settings));
        try {
            KafkaSetup.createIfMissing(config, List.of(KafkaSetup.embeddingsTopic(config, lane)));
            StreamsIndex index =
                    StreamsIndex.start(StreamsIndexOptions.fromConfig(config).forLane(lane));
            EmbedderStreams embedding;
            try {
                embedding = EmbedderStreams.start(config, embedder, lane, Map.of());
            } catch (RuntimeException e) {
                index.close();
                throw e;
            }
            LOG.info("model swap: backfilling version {} in {}", version.id(), lane);
            return new Lane(version.id(), embedder, embedding, index, Instant.now());
        } catch (Exception | Error e) {
            embedder.close();
            throw e;
        }
    }

    /** The gate's verdict on a caught-up lane, judged once (it embeds the probe set with both models). */
    private boolean passesGate(Lane lane) {
        if (gate == null) {
            return true;
        }
        QualityGate.Verdict verdict = verdicts.computeIfAbsent(
                lane.version(),
                v -> gate.judge(lane.embedder(), serving.current().embedder()));
        if (!verdict.passed()) {
            LOG.warn("model swap to {} held: {}", lane.version(), verdict.describe());
        }
        return verdict.passed();
    }

    private BackfillProgress progress(Lane lane, long target, boolean done) {
        double seconds =
                Math.max(1e-3, Duration.between(lane.started(), Instant.now()).toMillis() / 1000.0);
        long indexed = lane.index().size();
        QualityGate.Verdict verdict = verdicts.get(lane.version());
        return new BackfillProgress(
                lane.version(),
                indexed,
                target,
                indexed / seconds,
                lane.started(),
                Instant.now(),
                done,
                verdict == null ? null : verdict.describe());
    }

    /** Lanes that no longer serve and are not wanted, closed once they have been kept long enough. */
    private void retireLeftLanes() {
        Instant now = Instant.now();
        lanes.entrySet().removeIf(e -> {
            Instant left = leftAt.get(e.getKey());
            boolean expired = !e.getKey().equals(servingVersion)
                    && left != null
                    && Duration.between(left, now).compareTo(keep) >= 0;
            if (expired) {
                LOG.info(
                        "model swap: closing the lane of version {} (kept {} after it stopped serving)",
                        e.getKey(),
                        keep);
                e.getValue().close();
            }
            return expired;
        });
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
            serving.switchTo(own);
            lanes.values().forEach(Lane::close);
            lanes.clear();
        }
    }
}
