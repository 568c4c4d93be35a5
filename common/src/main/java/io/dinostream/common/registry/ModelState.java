package io.dinostream.common.registry;

/** Where a version stands, as derived from its record and the {@link ActivePointer}. */
public enum ModelState {
    /** Registered; can be activated. */
    REGISTERED,
    /** Serves queries. */
    ACTIVE,
    /** Its activation was requested: serving nodes backfill its index, then flip to it. */
    ACTIVATING,
    /** Served before the active one: what rollback returns to. */
    PREVIOUS,
    /** Retired: kept for the record, never activated again. */
    RETIRED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
