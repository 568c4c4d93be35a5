package io.dinostream.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;

/**
 * Restricts a search to images whose metadata fields equal given values (compared as text, so
 * {@code label=3} matches {@code {"label":3}} and {@code {"label":"3"}}), whose source equals a value,
 * and whose ingest time lies in {@code [ingestedFrom, ingestedTo)} (epoch milliseconds). Every given
 * condition must hold; {@link #NONE} matches everything.
 *
 * @param metadataEquals top-level metadata field names and the text their values must have
 * @param source the exact source, or null for any
 * @param ingestedFrom inclusive lower bound of the ingest time, or null
 * @param ingestedTo exclusive upper bound of the ingest time, or null
 */
public record SearchFilter(Map<String, String> metadataEquals, String source, Long ingestedFrom, Long ingestedTo) {
    public static final SearchFilter NONE = new SearchFilter(Map.of(), null, null, null);

    private static final ObjectMapper JSON = new ObjectMapper();

    public SearchFilter {
        metadataEquals = Map.copyOf(Objects.requireNonNull(metadataEquals, "metadataEquals"));
    }

    public static SearchFilter metadata(String field, String value) {
        return new SearchFilter(Map.of(field, value), null, null, null);
    }

    public static SearchFilter ingestedBetween(long fromInclusive, long toExclusive) {
        return new SearchFilter(Map.of(), null, fromInclusive, toExclusive);
    }

    public static SearchFilter fromSource(String source) {
        return new SearchFilter(Map.of(), source, null, null);
    }

    /** True when the filter restricts nothing. */
    public boolean isEmpty() {
        return metadataEquals.isEmpty() && source == null && ingestedFrom == null && ingestedTo == null;
    }

    /** Whether an image with this metadata JSON, source and ingest time passes. */
    public boolean matches(String metadataJson, String imageSource, long ingestTimeMillis) {
        if (source != null && !source.equals(imageSource)) {
            return false;
        }
        if (ingestedFrom != null && ingestTimeMillis < ingestedFrom) {
            return false;
        }
        if (ingestedTo != null && ingestTimeMillis >= ingestedTo) {
            return false;
        }
        if (metadataEquals.isEmpty()) {
            return true;
        }
        JsonNode metadata;
        try {
            metadata = JSON.readTree(metadataJson == null ? "{}" : metadataJson);
        } catch (IOException e) {
            throw new UncheckedIOException("stored metadata is not JSON: " + metadataJson, e);
        }
        for (Map.Entry<String, String> condition : metadataEquals.entrySet()) {
            JsonNode value = metadata.get(condition.getKey());
            if (value == null || !value.isValueNode() || !value.asText().equals(condition.getValue())) {
                return false;
            }
        }
        return true;
    }
}
