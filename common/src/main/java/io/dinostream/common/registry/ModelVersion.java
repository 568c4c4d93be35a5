package io.dinostream.common.registry;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One registered model version.
 *
 * @param id the first 12 hex digits of the weights' SHA-256: the version the embedder writes into every
 *     embedding's headers, so that an index record names its registry entry
 * @param name a label for people (default: the weights file's name)
 * @param architecture the architecture inferred from the weights
 * @param weightsDigest the full SHA-256 of the weights file (hex): its address in the {@link WeightStore}
 * @param weightsBytes its size
 * @param preprocessing how images are prepared for it
 * @param embedding what its vectors are (pooling, length, normalisation)
 * @param dimension the vector length
 * @param metrics evaluation results, by name (e.g. {@code knn_top1})
 * @param parent the version it was trained or distilled from, or null
 * @param createdAt when it was registered
 * @param retired whether it was retired (it can no longer be activated)
 * @param reports reports kept with the version (step name to text), e.g. a retrain loop's
 */
public record ModelVersion(
        String id,
        String name,
        String architecture,
        String weightsDigest,
        long weightsBytes,
        String preprocessing,
        String embedding,
        int dimension,
        Map<String, Double> metrics,
        String parent,
        Instant createdAt,
        boolean retired,
        Map<String, String> reports) {
    public ModelVersion {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(weightsDigest, "weightsDigest");
        Objects.requireNonNull(createdAt, "createdAt");
        if (!weightsDigest.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("weights digest must be 64 lowercase hex digits: " + weightsDigest);
        }
        if (!id.equals(idOf(weightsDigest))) {
            throw new IllegalArgumentException("version id " + id + " is not the digest prefix " + idOf(weightsDigest));
        }
        metrics = Map.copyOf(new TreeMap<>(metrics == null ? Map.of() : metrics));
        reports = Map.copyOf(new TreeMap<>(reports == null ? Map.of() : reports));
    }

    /** The version id of weights with this SHA-256. */
    public static String idOf(String weightsDigest) {
        return weightsDigest.substring(0, 12);
    }

    public ModelVersion asRetired() {
        return new ModelVersion(
                id,
                name,
                architecture,
                weightsDigest,
                weightsBytes,
                preprocessing,
                embedding,
                dimension,
                metrics,
                parent,
                createdAt,
                true,
                reports);
    }
}
