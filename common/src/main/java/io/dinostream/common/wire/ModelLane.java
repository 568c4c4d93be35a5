package io.dinostream.common.wire;

/**
 * The Kafka names of one model version's embedder and index: its embeddings topic and the Kafka Streams
 * application ids (consumer groups, changelog prefixes) and state directories. The default lane is the
 * unversioned one every deployment starts with; a version lane runs beside it while a model swap
 * backfills, so that the two versions' vectors never meet in one topic or one index.
 *
 * @param version empty for the default lane, else a registry version id
 */
public record ModelLane(String version) {
    public static final ModelLane DEFAULT = new ModelLane("");

    public ModelLane {
        if (!version.isEmpty() && !version.matches("[0-9a-f]{12}")) {
            throw new IllegalArgumentException("a lane's version is a 12-digit hex registry id, got '" + version + "'");
        }
    }

    public static ModelLane of(String version) {
        return new ModelLane(version);
    }

    public boolean isDefault() {
        return version.isEmpty();
    }

    /** {@code dinostream.embeddings.v1}, or {@code dinostream.embeddings.v1.<version>}. */
    public String embeddingsTopic() {
        return Topics.EMBEDDINGS + suffix(".");
    }

    public String embedderApplicationId() {
        return "dinostream-embedder" + suffix("-");
    }

    public String indexApplicationId() {
        return "dinostream-index" + suffix("-");
    }

    /** The Kafka Streams state directory name of a role ({@code embedder}, {@code index}) under the data dir. */
    public String stateDirectory(String role) {
        return "streams-" + role + suffix("-");
    }

    private String suffix(String separator) {
        return isDefault() ? "" : separator + version;
    }

    @Override
    public String toString() {
        return isDefault() ? "default lane" : "lane " + version;
    }
}
