package io.dinostream.common.registry;

import java.time.Instant;
import java.util.Objects;

/**
 * Which version serves: one record, so that a flip is one atomic write.
 *
 * @param active the active version
 * @param previous the version active before it (what rollback returns to), or null
 * @param changedAt when it was written
 */
public record ActivePointer(String active, String previous, Instant changedAt) {
    public ActivePointer {
        Objects.requireNonNull(active, "active");
        Objects.requireNonNull(changedAt, "changedAt");
    }
}
