package io.dinostream.api;

import java.util.Map;

/**
 * Facts about the whole pipeline, beyond this process, that {@code GET /health} reports and the web page's
 * status panel shows: for example the number of records in the dead-letter topic. Called on a worker
 * thread; may block briefly (a bounded Kafka call) and should cache.
 */
@FunctionalInterface
public interface PipelineStatus {
    /** No pipeline facts (tests, an API without Kafka). */
    PipelineStatus NONE = Map::of;

    /** Named values for the {@code pipeline} object of {@code /health}; a fact that is unknown is left out. */
    Map<String, Object> describe();
}
