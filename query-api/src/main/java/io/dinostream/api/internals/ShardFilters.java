package io.dinostream.api.internals;

import io.dinostream.index.SearchFilter;
import io.vertx.core.json.JsonObject;

/** A {@link SearchFilter} as JSON, the way requests give it and answers echo it. */
final class ShardFilters {
    private ShardFilters() {}

    static JsonObject toJson(SearchFilter filter) {
        JsonObject metadata = new JsonObject();
        filter.metadataEquals().forEach(metadata::put);
        JsonObject json = new JsonObject();
        if (!metadata.isEmpty()) {
            json.put("metadata", metadata);
        }
        if (filter.source() != null) {
            json.put("source", filter.source());
        }
        if (filter.ingestedFrom() != null) {
            json.put("ingestedFrom", filter.ingestedFrom());
        }
        if (filter.ingestedTo() != null) {
            json.put("ingestedTo", filter.ingestedTo());
        }
        return json;
    }
}
