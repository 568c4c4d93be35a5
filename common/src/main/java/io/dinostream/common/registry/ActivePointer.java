package io.dinostream.common.registry;

import java.time.Instant;
import java.util.Objects;

/**
 * Which version serves: one record, so that a flip is one atomic write.
 *
 * @param active the active version
 * @param previous the version active before it (what rollback returns to), or null
 * @param changedAt when it was written
 * @param pending a version whose activation was requested: serving nodes backfill its index and then
 *     flip to it ({@link RegistryState#completeActivation}), or null
 */
public record ActivePointer(String active, String previous, Instant changedAt, String pending) {
    public ActivePointer {
        Objects.requireNonNull(changedAt, "changedAt");
        if (active == null && pending == null) {
            throw new IllegalArgumentException("an active pointer names an active or a pending version");
        }
    }

    public ActivePointer(String active, String previous, Instant changedAt) {
        this(active, previous, changedAt, null);
    }

    /** The version serving nodes should converge to: the pending one, else the active one. */
    public String desired() {
        return pending != null ? pending : active;
    }
}
