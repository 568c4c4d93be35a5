package io.dinostream.common.wire;

/** Topic names. The suffix is the wire-format version of the records the topic carries. */
public final class Topics {
    /** Images: key = image id (UTF-8), value = encoded image bytes. Compacted: the log of record. */
    public static final String IMAGES = "dinostream.images.v1";
    /** Embeddings: key = image id (UTF-8), value = little-endian float32 vector. */
    public static final String EMBEDDINGS = "dinostream.embeddings.v1";
    /** Dead letters: the original record plus stage, error class and reason headers. */
    public static final String DEAD_LETTERS = "dinostream.dlq.v1";

    /**
     * The model registry: key {@code version/<id>} or {@code active}, value JSON. Compacted, one partition so
     * that every reader sees versions and flips in one order.
     */
    public static final String MODELS = "dinostream.models.v1";

    private Topics() {}

    /** Whether {@code topic} carries embeddings: the default lane's or a version lane's ({@link ModelLane}). */
    public static boolean isEmbeddings(String topic) {
        return topic.equals(EMBEDDINGS) || topic.startsWith(EMBEDDINGS + ".");
    }
}
