package io.dinostream.api.internals;

import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.index.SearchFilter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON bodies of {@code POST /v1/search} (one query) and {@code POST /v1/search/batch} (several):
 * a query is a {@code vector} or the {@code id} of a stored image, with an optional {@code filter}; the
 * request may name the {@code model} (it must be the active one) and {@code k}. Every mistake is an
 * {@link ApiException} with a specific code.
 */
final class JsonQueries {
    /** Most queries in one batch. */
    static final int MAX_BATCH = 100;

    /** One query: exactly one of {@code vector} and {@code id}, and a filter. */
    record Query(float[] vector, String id, SearchFilter filter) {
        JsonObject describe() {
            JsonObject json =
                    vector != null ? new JsonObject().put("vector", vector.length) : new JsonObject().put("id", id);
            if (!filter.isEmpty()) {
                json.put("filter", ShardFilters.toJson(filter));
            }
            return json;
        }
    }

    private JsonQueries() {}

    /** The {@code k} of a body, else the query parameter's. */
    static int k(JsonObject body, int fromQuery) {
        Object k = body.getValue("k");
        if (k == null) {
            return fromQuery;
        }
        return RequestParams.parseK(String.valueOf(k));
    }

    /** Refuses a {@code model} other than the active one. */
    static void checkModel(JsonObject body, EmbeddingSpec active) {
        Object model = body.getValue("model");
        if (model == null) {
            return;
        }
        String name = String.valueOf(model);
        if (!name.equals(active.modelId()) && !name.equals(active.modelId() + ":" + active.modelVersion())) {
            throw ErrorCode.UNKNOWN_MODEL.exception("model '" + RequestParams.clip(name) + "' is not served here; the"
                    + " active model is " + active.modelId() + ":" + active.modelVersion());
        }
    }

    static Query query(JsonObject json, int dimension) {
        Object vector = json.getValue("vector");
        Object id = json.getValue("id");
        if ((vector == null) == (id == null)) {
            throw ErrorCode.MALFORMED_REQUEST.exception("a query has exactly one of 'vector' (numbers) and 'id'");
        }
        SearchFilter filter = filter(json.getValue("filter"));
        if (id != null) {
            if (!(id instanceof String text)) {
                throw ErrorCode.INVALID_ID.exception("'id' must be a string");
            }
            return new Query(null, RequestParams.requireImageId(text), filter);
        }
        if (!(vector instanceof JsonArray values)) {
            throw ErrorCode.INVALID_VECTOR.exception("'vector' must be an array of numbers");
        }
        if (values.size() != dimension) {
            throw ErrorCode.INVALID_VECTOR.exception(
                    "'vector' has " + values.size() + " numbers; the active model's dimension is " + dimension);
        }
        float[] floats = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            Object v = values.getValue(i);
            if (!(v instanceof Number n) || !Float.isFinite(n.floatValue())) {
                throw ErrorCode.INVALID_VECTOR.exception("'vector'[" + i + "] is not a finite number");
            }
            floats[i] = n.floatValue();
        }
        return new Query(floats, null, filter);
    }

    /** The queries of a batch body. */
    static List<Query> batch(JsonObject body, int dimension) {
        Object queries = body.getValue("queries");
        if (!(queries instanceof JsonArray array) || array.isEmpty()) {
            throw ErrorCode.MALFORMED_REQUEST.exception("a batch needs 'queries': a non-empty array of queries");
        }
        if (array.size() > MAX_BATCH) {
            throw ErrorCode.MALFORMED_REQUEST.exception(
                    "a batch holds at most " + MAX_BATCH + " queries, got " + array.size());
        }
        List<Query> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            if (!(array.getValue(i) instanceof JsonObject q)) {
                throw ErrorCode.MALFORMED_REQUEST.exception("queries[" + i + "] is not an object");
            }
            out.add(query(q, dimension));
        }
        return out;
    }

    /** {@code {"metadata": {field: value}, "source": s, "ingestedFrom": ms, "ingestedTo": ms}}, all optional. */
    static SearchFilter filter(Object value) {
        if (value == null) {
            return SearchFilter.NONE;
        }
        if (!(value instanceof JsonObject json)) {
            throw ErrorCode.INVALID_FILTER.exception("'filter' must be an object");
        }
        for (String field : json.fieldNames()) {
            if (!List.of("metadata", "source", "ingestedFrom", "ingestedTo").contains(field)) {
                throw ErrorCode.INVALID_FILTER.exception("unknown filter field '" + RequestParams.clip(field)
                        + "': expected metadata, source, ingestedFrom, ingestedTo");
            }
        }
        Map<String, String> metadata = new HashMap<>();
        Object meta = json.getValue("metadata");
        if (meta != null) {
            if (!(meta instanceof JsonObject fields)) {
                throw ErrorCode.INVALID_FILTER.exception("'filter.metadata' must be an object of field: value");
            }
            for (Map.Entry<String, Object> e : fields) {
                if (e.getValue() instanceof JsonObject || e.getValue() instanceof JsonArray || e.getValue() == null) {
                    throw ErrorCode.INVALID_FILTER.exception("'filter.metadata." + RequestParams.clip(e.getKey())
                            + "' must be a string, number or boolean");
                }
                metadata.put(e.getKey(), String.valueOf(e.getValue()));
            }
        }
        Object source = json.getValue("source");
        if (source != null && !(source instanceof String)) {
            throw ErrorCode.INVALID_FILTER.exception("'filter.source' must be a string");
        }
        return new SearchFilter(metadata, (String) source, time(json, "ingestedFrom"), time(json, "ingestedTo"));
    }

    private static Long time(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Number n) || n.doubleValue() != n.longValue()) {
            throw ErrorCode.INVALID_FILTER.exception("'filter." + field + "' must be epoch milliseconds (an integer)");
        }
        return n.longValue();
    }
}
