package io.dinostream.api.cluster;

import io.dinostream.index.streams.StreamsIndex;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This instance's index shards by model version: the primary index (the process's own model, the default
 * lane) and, during and after a model swap, one Kafka Streams index per other version. A shard search
 * from another instance names the version it wants, so an instance never answers with another version's
 * vectors: a version it does not hold (yet) answers nothing, and the caller reports those shards missing.
 */
public final class LocalShards {
    private final StreamsIndex primary;
    private final String primaryVersion;
    private final Map<String, StreamsIndex> lanes = new ConcurrentHashMap<>();

    /**
     * @param primaryVersion the model version whose vectors the primary index holds (the process's own
     *     model), or empty where the process loads no model
     */
    public LocalShards(StreamsIndex primary, String primaryVersion) {
        this.primary = Objects.requireNonNull(primary, "primary");
        this.primaryVersion = Objects.requireNonNull(primaryVersion, "primaryVersion");
    }

    public StreamsIndex primary() {
        return primary;
    }

    public String primaryVersion() {
        return primaryVersion;
    }

    /** Makes {@code index} answer for {@code version} (a swap started its lane here). */
    public void addLane(String version, StreamsIndex index) {
        if (version.equals(primaryVersion)) {
            throw new IllegalArgumentException("version " + version + " is the primary index's own");
        }
        lanes.put(version, Objects.requireNonNull(index, "index"));
    }

    /** Stops answering for {@code version} (its lane is closing). */
    public void removeLane(String version) {
        lanes.remove(version);
    }

    /**
     * The index holding {@code version}'s vectors here: the primary for its own version or for a request
     * that names none (callers of an older build), a lane for another version, else empty.
     */
    public Optional<StreamsIndex> forVersion(String version) {
        if (version == null || version.isEmpty() || version.equals(primaryVersion)) {
            return Optional.of(primary);
        }
        return Optional.ofNullable(lanes.get(version));
    }

    /** Every version held here, the primary first. */
    public Map<String, StreamsIndex> all() {
        Map<String, StreamsIndex> all = new java.util.LinkedHashMap<>();
        all.put(primaryVersion, primary);
        all.putAll(new java.util.TreeMap<>(lanes));
        return all;
    }
}
