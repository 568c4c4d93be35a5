package io.dinostream.api;

import java.util.Map;

/**
 * What {@code GET /ready} reports: named checks (Kafka reachable, index loaded, model loaded) and whether
 * each passes. Called on a worker thread; a check may block briefly (a bounded network call).
 */
@FunctionalInterface
public interface Readiness {
    /** No checks: always ready (a server without dependencies, or a test). */
    Readiness NONE = Map::of;

    /** Each check's name and whether it passes now. */
    Map<String, Boolean> check();
}
