package io.dinostream.api.internals;

import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.index.SearchHit;
import io.dinostream.index.SearchResult;
import io.dinostream.index.StoredImage;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The JSON bodies of the API, one method per shape (documented in {@code docs/api.md}). */
final class JsonViews {
    private static final Logger LOG = LoggerFactory.getLogger(JsonViews.class);

    private JsonViews() {}

    /** {@code {"id","version","pooling","dimension","normalisation"}}. */
    static JsonObject model(EmbeddingSpec spec) {
        return new JsonObject()
                .put("id", spec.modelId())
                .put("version", spec.modelVersion())
                .put("pooling", spec.pooling())
                .put("dimension", spec.dimension())
                .put("normalisation", spec.normalisation());
    }

    /**
     * {@code {"model", "k", "query", "results": [{"id","score","metadata"}], "partial", "missingShards",
     * "tookMs"}}; {@code partial} is true when some shards did not answer (they are listed).
     */
    static JsonObject searchResponse(EmbeddingSpec spec, int k, JsonObject query, SearchResult result, long tookMs) {
        JsonArray results = new JsonArray();
        for (SearchHit hit : result.hits()) {
            results.add(new JsonObject()
                    .put("id", hit.id())
                    .put("score", hit.score())
                    .put("metadata", metadata(hit.id(), hit.metadataJson())));
        }
        return new JsonObject()
                .put("model", model(spec))
                .put("k", k)
                .put("query", query)
                .put("results", results)
                .put("partial", result.partial())
                .put("missingShards", new JsonArray(new java.util.ArrayList<>(result.missingShards())))
                .put("tookMs", tookMs);
    }

    /**
     * This instance's part of a sharded index: {@code {"partitions": total, "local": [owned here],
     * "indexedHere", "deadLettered", "freshnessMs": {"count","p50","p99"}}}; freshness is the
     * ingest-to-searchable latency of the images indexed here (-1 before the first).
     */
    static JsonObject shards(io.dinostream.index.streams.StreamsIndex local) {
        io.dinostream.index.streams.LatencyHistogram freshness = local.freshness();
        return new JsonObject()
                .put("partitions", local.partitionCount())
                .put("local", new JsonArray(new java.util.ArrayList<>(local.localPartitions())))
                .put("indexedHere", local.size())
                .put("deadLettered", local.deadLetteredRecords())
                .put(
                        "freshnessMs",
                        new JsonObject()
                                .put("count", freshness.count())
                                .put("p50", freshness.percentile(0.5))
                                .put("p99", freshness.percentile(0.99)));
    }

    /** {@code {"id","contentType","bytes","metadata","source","ingestTimeMillis","embedded"}}. */
    static JsonObject imageMeta(StoredImage image) {
        return new JsonObject()
                .put("id", image.id())
                .put("contentType", image.contentType())
                .put("bytes", image.bytes() == null ? null : image.bytes().length)
                .put("metadata", metadata(image.id(), image.metadataJson()))
                .put("source", image.source())
                .put("ingestTimeMillis", image.ingestTimeMillis())
                .put("embedded", image.vector() != null);
    }

    /** {@code {"error": {"status","code","message"}}}, plus {@code requestId} for internal errors. */
    /** {@code {"error": {"status","code","message","requestId"}}}. */
    static JsonObject error(ErrorCode code, String message, String requestId) {
        JsonObject error = new JsonObject()
                .put("status", code.status())
                .put("code", code.code())
                .put("message", message);
        if (requestId != null) {
            error.put("requestId", requestId);
        }
        return new JsonObject().put("error", error);
    }

    /**
     * The stored metadata as a JSON object. Metadata is validated at ingest; should a stored value still
     * not be a JSON object, the result carries it as {@code {"raw": "..."}} rather than failing the query.
     */
    static JsonObject metadata(String id, String metadataJson) {
        if (metadataJson == null || metadataJson.isBlank()) {
            return new JsonObject();
        }
        try {
            return new JsonObject(metadataJson);
        } catch (DecodeException | ClassCastException e) {
            LOG.warn("stored metadata of image '{}' is not a JSON object; returned as 'raw'", id);
            return new JsonObject().put("raw", metadataJson);
        }
    }
}
