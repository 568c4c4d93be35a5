package io.dinostream.api.cluster;

import io.dinostream.index.SearchFilter;
import io.dinostream.index.SearchHit;
import io.dinostream.index.StoredImage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON that index instances exchange for scatter-gather (the {@code /internal/v1} routes): a shard
 * search request and its answer, and a stored image. Internal: both ends are the same build.
 */
public final class ShardProtocol {
    /** Path of the shard search on every instance that runs the index and api roles. */
    public static final String SEARCH_PATH = "/internal/v1/search";

    /** Path prefix of the stored-image look-up: {@code /internal/v1/images/{id}}. */
    public static final String IMAGES_PATH = "/internal/v1/images/";

    /** Path of the per-version state of an instance's shards (a model swap's writer sums them). */
    public static final String LANES_PATH = "/internal/v1/lanes";

    /** Query parameter of the image look-up naming the model version whose stores answer. */
    public static final String VERSION_PARAM = "version";

    private ShardProtocol() {}

    /**
     * {@code {"vector": [...], "k": n, "filter": {...}, "version": v}}: {@code version} names the model
     * whose index must answer (null: the instance's primary index).
     */
    public static JsonObject searchRequest(float[] query, int k, SearchFilter filter, String version) {
        JsonArray vector = new JsonArray();
        for (float v : query) {
            vector.add(v);
        }
        JsonObject request = new JsonObject().put("vector", vector).put("k", k).put("filter", filter(filter));
        if (version != null) {
            request.put("version", version);
        }
        return request;
    }

    static JsonObject filter(SearchFilter filter) {
        JsonObject metadata = new JsonObject();
        filter.metadataEquals().forEach(metadata::put);
        return new JsonObject()
                .put("metadata", metadata)
                .put("source", filter.source())
                .put("from", filter.ingestedFrom())
                .put("to", filter.ingestedTo());
    }

    /** The parts of a search request; {@code version} null when it names none. */
    public record SearchRequest(float[] vector, int k, SearchFilter filter, String version) {}

    /**
     * @throws IllegalArgumentException if the body is not a well-formed search request
     */
    public static SearchRequest parseSearchRequest(JsonObject body) {
        try {
            JsonArray values = body.getJsonArray("vector");
            float[] vector = new float[values.size()];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = values.getNumber(i).floatValue();
            }
            JsonObject f = body.getJsonObject("filter", new JsonObject());
            Map<String, String> metadata = new HashMap<>();
            f.getJsonObject("metadata", new JsonObject())
                    .forEach(e -> metadata.put(e.getKey(), String.valueOf(e.getValue())));
            SearchFilter filter = new SearchFilter(metadata, f.getString("source"), f.getLong("from"), f.getLong("to"));
            return new SearchRequest(vector, body.getInteger("k"), filter, body.getString("version"));
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("malformed shard search request: " + e.getMessage(), e);
        }
    }

    /** {@code {"hits": [{"id","score","metadata"}], "answered": [partitions]}}. */
    public static JsonObject searchResponse(List<SearchHit> hits, List<Integer> answered) {
        JsonArray array = new JsonArray();
        for (SearchHit hit : hits) {
            array.add(new JsonObject()
                    .put("id", hit.id())
                    .put("score", hit.score())
                    .put("metadata", hit.metadataJson()));
        }
        return new JsonObject().put("hits", array).put("answered", new JsonArray(new ArrayList<>(answered)));
    }

    /** The hits and answered partitions of a shard search response. */
    public record ShardAnswer(List<SearchHit> hits, List<Integer> answered) {}

    public static ShardAnswer parseSearchResponse(JsonObject body) {
        List<SearchHit> hits = new ArrayList<>();
        for (Object o : body.getJsonArray("hits")) {
            JsonObject hit = (JsonObject) o;
            hits.add(
                    new SearchHit(hit.getString("id"), hit.getNumber("score").floatValue(), hit.getString("metadata")));
        }
        List<Integer> answered = new ArrayList<>();
        for (Object p : body.getJsonArray("answered")) {
            answered.add(((Number) p).intValue());
        }
        return new ShardAnswer(hits, answered);
    }

    /** A stored image with its bytes in base64 and its vector. */
    public static JsonObject image(StoredImage image) {
        JsonArray vector = null;
        if (image.vector() != null) {
            vector = new JsonArray();
            for (float v : image.vector()) {
                vector.add(v);
            }
        }
        return new JsonObject()
                .put("id", image.id())
                .put("contentType", image.contentType())
                .put("bytes", image.bytes() == null ? null : Base64.getEncoder().encodeToString(image.bytes()))
                .put("metadata", image.metadataJson())
                .put("source", image.source())
                .put("ingestTimeMillis", image.ingestTimeMillis())
                .put("vector", vector);
    }

    public static StoredImage parseImage(JsonObject json) {
        JsonArray values = json.getJsonArray("vector");
        float[] vector = null;
        if (values != null) {
            vector = new float[values.size()];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = values.getNumber(i).floatValue();
            }
        }
        String bytes = json.getString("bytes");
        return new StoredImage(
                json.getString("id"),
                json.getString("contentType"),
                bytes == null ? null : Base64.getDecoder().decode(bytes),
                json.getString("metadata"),
                json.getString("source"),
                json.getLong("ingestTimeMillis", 0L),
                vector);
    }

    /** One version's index on one instance: its vectors, its consumer lag and whether it runs. */
    public record LaneState(String version, long vectors, double lag, boolean running) {}

    /** {@code {"lanes": [{"version","vectors","lag","running"}]}}. */
    public static JsonObject lanes(List<LaneState> lanes) {
        JsonArray array = new JsonArray();
        for (LaneState lane : lanes) {
            array.add(new JsonObject()
                    .put("version", lane.version())
                    .put("vectors", lane.vectors())
                    .put("lag", lane.lag())
                    .put("running", lane.running()));
        }
        return new JsonObject().put("lanes", array);
    }

    /**
     * @throws IllegalArgumentException if the body is not a lanes answer
     */
    public static List<LaneState> parseLanes(JsonObject body) {
        try {
            List<LaneState> lanes = new ArrayList<>();
            for (Object o : body.getJsonArray("lanes")) {
                JsonObject lane = (JsonObject) o;
                lanes.add(new LaneState(
                        lane.getString("version"),
                        lane.getLong("vectors"),
                        lane.getDouble("lag"),
                        lane.getBoolean("running")));
            }
            return lanes;
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("malformed lanes answer: " + e.getMessage(), e);
        }
    }
}
