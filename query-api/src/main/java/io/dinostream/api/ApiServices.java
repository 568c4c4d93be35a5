package io.dinostream.api;

import io.dinostream.api.metrics.ApiMetrics;
import io.dinostream.embedder.ImageEmbedder;
import io.dinostream.index.ImageIndexReader;
import io.dinostream.ingest.ImageSink;

/**
 * What one API process can do, by the roles it runs: search (the {@code api} role: a model and the local
 * index) and ingest (the {@code ingest} role: a sink that publishes to Kafka). The server mounts only the
 * routes whose services are present; a route of an absent role answers 404 or 405 naming the role.
 *
 * @param embedder the model for search by image; null without search
 * @param index the index searched; null without search
 * @param ingest where {@code PUT}/{@code DELETE /v1/images/{id}} write; null without ingest
 * @param readiness the checks of {@code GET /ready}
 * @param metrics the process's metrics, served at {@code GET /metrics}
 * @param pipeline pipeline-wide facts for {@code GET /health} and the page's status panel
 * @param models the model registry for the admin routes ({@code /v1/models}); null to leave them out
 * @param serving the model and index that answer each query, switched atomically by a model swap; made
 *     from {@code embedder} and {@code index} when null
 */
public record ApiServices(
        ImageEmbedder embedder,
        ImageIndexReader index,
        ImageSink ingest,
        Readiness readiness,
        ApiMetrics metrics,
        PipelineStatus pipeline,
        ModelAdmin models,
        ServingVersion serving) {
    public ApiServices {
        java.util.Objects.requireNonNull(readiness, "readiness");
        java.util.Objects.requireNonNull(pipeline, "pipeline");
        java.util.Objects.requireNonNull(metrics, "metrics");
        if ((embedder == null) != (index == null)) {
            throw new IllegalArgumentException("search needs both a model and an index");
        }
        if (embedder == null && ingest == null) {
            throw new IllegalArgumentException("an API server needs search, ingest or both");
        }
        if (serving == null && embedder != null) {
            serving = new ServingVersion(embedder, index);
        }
    }

    /** Search only. */
    public static ApiServices search(ImageEmbedder embedder, ImageIndexReader index) {
        return new ApiServices(
                embedder, index, null, Readiness.NONE, new ApiMetrics(), PipelineStatus.NONE, null, null);
    }

    /** Ingest only: an edge process that accepts images and publishes them. */
    public static ApiServices ingestOnly(ImageSink sink) {
        return new ApiServices(null, null, sink, Readiness.NONE, new ApiMetrics(), PipelineStatus.NONE, null, null);
    }

    /** These services plus ingest. */
    public ApiServices withIngest(ImageSink sink) {
        return new ApiServices(embedder, index, sink, readiness, metrics, pipeline, models, serving);
    }

    /** These services with the checks of {@code GET /ready}. */
    public ApiServices withReadiness(Readiness checks) {
        return new ApiServices(embedder, index, ingest, checks, metrics, pipeline, models, serving);
    }

    /** These services with the process's metrics registry (the roles bind their meters to it). */
    public ApiServices withMetrics(ApiMetrics processMetrics) {
        return new ApiServices(embedder, index, ingest, readiness, processMetrics, pipeline, models, serving);
    }

    /** These services with pipeline-wide facts for {@code /health}. */
    public ApiServices withPipeline(PipelineStatus status) {
        return new ApiServices(embedder, index, ingest, readiness, metrics, status, models, serving);
    }

    /** These services with the model registry's admin routes. */
    public ApiServices withModels(ModelAdmin admin) {
        return new ApiServices(embedder, index, ingest, readiness, metrics, pipeline, admin, serving);
    }

    public boolean searches() {
        return index != null;
    }

    public boolean ingests() {
        return ingest != null;
    }
}
