package io.dinostream.index.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a committed snapshot of the FAISS index holds and covers.
 *
 * @param number the snapshot's number, increasing
 * @param factory the factory string of the index ({@code Flat}, {@code HNSW32}, ...), so that a changed
 *     configuration is not served from an old snapshot
 * @param dimension the vector length
 * @param vectors live vectors in the index
 * @param bytes length of the snapshot stream
 * @param chunks number of chunks the stream is stored in
 * @param changesCovered the first change sequence number <em>not</em> in the snapshot: a restore
 *     replays the {@code changes} from here on
 * @param offsets per {@code topic:partition}, the next record to apply when the snapshot was taken
 * @param createdMillis wall-clock time of the snapshot
 */
public record SnapshotManifest(
        long number,
        String factory,
        int dimension,
        long vectors,
        long bytes,
        int chunks,
        long changesCovered,
        Map<String, Long> offsets,
        long createdMillis) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public SnapshotManifest {
        offsets = Map.copyOf(offsets);
    }

    byte[] toJson() {
        ObjectNode node = JSON.createObjectNode()
                .put("number", number)
                .put("factory", factory)
                .put("dimension", dimension)
                .put("vectors", vectors)
                .put("bytes", bytes)
                .put("chunks", chunks)
                .put("changesCovered", changesCovered)
                .put("createdMillis", createdMillis);
        ObjectNode offsetNode = node.putObject("offsets");
        new TreeMap<>(offsets).forEach(offsetNode::put);
        return IndexFormat.utf8(node.toString());
    }

    static SnapshotManifest fromJson(byte[] json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            throw new CorruptStoreException("snapshot manifest does not parse: " + e.getMessage());
        }
        if (node == null
                || !node.path("factory").isTextual()
                || !node.path("offsets").isObject()) {
            throw new CorruptStoreException("snapshot manifest lacks its factory or offsets");
        }
        Map<String, Long> offsets = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.get("offsets").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            offsets.put(entry.getKey(), entry.getValue().asLong());
        }
        return new SnapshotManifest(
                node.path("number").asLong(),
                node.get("factory").asText(),
                node.path("dimension").asInt(),
                node.path("vectors").asLong(),
                node.path("bytes").asLong(),
                node.path("chunks").asInt(),
                node.path("changesCovered").asLong(),
                offsets,
                node.path("createdMillis").asLong());
    }
}
