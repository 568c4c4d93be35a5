package io.dinostream.common.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dinostream.common.wire.WireFormatException;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The registry topic's records: key {@code version/<id>} with a version as JSON, and key {@value #ACTIVE_KEY}
 * with the {@link ActivePointer} as JSON (docs/wire-formats.md).
 */
public final class RegistryCodec {
    public static final String ACTIVE_KEY = "active";
    public static final String VERSION_PREFIX = "version/";
    public static final String PROGRESS_PREFIX = "progress/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private RegistryCodec() {}

    public static String versionKey(String id) {
        return VERSION_PREFIX + id;
    }

    public static byte[] encode(ModelVersion v) {
        ObjectNode node = JSON.createObjectNode()
                .put("id", v.id())
                .put("name", v.name())
                .put("architecture", v.architecture())
                .put("weights_sha256", v.weightsDigest())
                .put("weights_bytes", v.weightsBytes())
                .put("preprocessing", v.preprocessing())
                .put("embedding", v.embedding())
                .put("dimension", v.dimension())
                .put("parent", v.parent())
                .put("created_at", v.createdAt().toString())
                .put("retired", v.retired());
        ObjectNode metrics = node.putObject("metrics");
        v.metrics().forEach(metrics::put);
        ObjectNode reports = node.putObject("reports");
        v.reports().forEach(reports::put);
        return bytes(node);
    }

    public static ModelVersion decodeVersion(byte[] value) {
        JsonNode node = parse(value);
        try {
            Map<String, Double> metrics = new LinkedHashMap<>();
            node.path("metrics")
                    .fields()
                    .forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
            Map<String, String> reports = new LinkedHashMap<>();
            node.path("reports")
                    .fields()
                    .forEachRemaining(e -> reports.put(e.getKey(), e.getValue().asText()));
            return new ModelVersion(
                    text(node, "id"),
                    optional(node, "name"),
                    optional(node, "architecture"),
                    text(node, "weights_sha256"),
                    node.path("weights_bytes").asLong(),
                    optional(node, "preprocessing"),
                    optional(node, "embedding"),
                    node.path("dimension").asInt(),
                    metrics,
                    optional(node, "parent"),
                    Instant.parse(text(node, "created_at")),
                    node.path("retired").asBoolean(false),
                    reports);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new WireFormatException("bad model version record: " + e.getMessage());
        }
    }

    public static byte[] encode(ActivePointer p) {
        return bytes(JSON.createObjectNode()
                .put("active", p.active())
                .put("previous", p.previous())
                .put("pending", p.pending())
                .put("changed_at", p.changedAt().toString()));
    }

    public static ActivePointer decodePointer(byte[] value) {
        JsonNode node = parse(value);
        try {
            return new ActivePointer(
                    optional(node, "active"),
                    optional(node, "previous"),
                    Instant.parse(text(node, "changed_at")),
                    optional(node, "pending"));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new WireFormatException("bad active-version record: " + e.getMessage());
        }
    }

    public static String progressKey(String version) {
        return PROGRESS_PREFIX + version;
    }

    public static byte[] encode(BackfillProgress p) {
        return bytes(JSON.createObjectNode()
                .put("version", p.version())
                .put("indexed", p.indexed())
                .put("target", p.target())
                .put("images_per_second", p.imagesPerSecond())
                .put("started_at", p.startedAt().toString())
                .put("updated_at", p.updatedAt().toString())
                .put("done", p.done())
                .put("gate", p.gate()));
    }

    public static BackfillProgress decodeProgress(byte[] value) {
        JsonNode node = parse(value);
        try {
            return new BackfillProgress(
                    text(node, "version"),
                    node.path("indexed").asLong(),
                    node.path("target").asLong(),
                    node.path("images_per_second").asDouble(),
                    Instant.parse(text(node, "started_at")),
                    Instant.parse(text(node, "updated_at")),
                    node.path("done").asBoolean(false),
                    optional(node, "gate"));
        } catch (DateTimeParseException e) {
            throw new WireFormatException("bad backfill progress record: " + e.getMessage());
        }
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static JsonNode parse(byte[] value) {
        try {
            JsonNode node = JSON.readTree(value);
            if (node == null || !node.isObject()) {
                throw new WireFormatException("registry record is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new WireFormatException("registry record is not JSON: " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new WireFormatException("registry record lacks the text field " + field);
        }
        return value.asText();
    }

    private static String optional(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
