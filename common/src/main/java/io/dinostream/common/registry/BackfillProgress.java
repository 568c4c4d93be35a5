package io.dinostream.common.registry;

import java.time.Instant;
import java.util.Objects;

/**
 * How far a serving node has backfilled the index of a version being activated, written to the registry
 * topic (key {@code progress/<version>}) every few seconds so that {@code model list} and
 * {@code GET /v1/models} can show it.
 *
 * @param version the version being backfilled
 * @param indexed vectors in its index so far
 * @param target vectors in the serving index (what "caught up" means)
 * @param imagesPerSecond indexing rate since the backfill started
 * @param startedAt when the backfill started
 * @param updatedAt when this was written
 * @param done whether the flip happened
 * @param gate the quality gate's verdict once judged (the flip waits for a pass), or null
 */
public record BackfillProgress(
        String version,
        long indexed,
        long target,
        double imagesPerSecond,
        Instant startedAt,
        Instant updatedAt,
        boolean done,
        String gate) {
    public BackfillProgress {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** Percent indexed (100 once done or when there is nothing to index). */
    public double percent() {
        return done || target <= 0 ? 100 : Math.min(100, 100.0 * indexed / target);
    }

    public String describe() {
        return String.format(
                        java.util.Locale.ROOT,
                        "%s: %d of %d vectors (%.0f%%), %.1f images/s%s",
                        version,
                        indexed,
                        target,
                        percent(),
                        imagesPerSecond,
                        done ? ", flipped" : "")
                + (gate == null ? "" : "; " + gate);
    }
}
