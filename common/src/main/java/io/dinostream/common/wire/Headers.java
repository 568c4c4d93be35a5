package io.dinostream.common.wire;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Header names of the v1 wire format. All header values are UTF-8 text so that any Kafka client (the
 * console producer included) can write them.
 */
public final class Headers {
    // dinostream.images.v1
    /** MIME type of the value, e.g. {@code image/png}. Optional: the embedder sniffs the bytes anyway. */
    public static final String CONTENT_TYPE = "content-type";
    /** {@code base64} when an image value is base64 text (for text-only clients such as console producers). */
    public static final String CONTENT_TRANSFER_ENCODING = "content-transfer-encoding";
    /** Where the image came from: a file path, a dataset reference, an HTTP client. */
    public static final String SOURCE = "source";
    /** Milliseconds since the epoch when the image was published, decimal. */
    public static final String INGEST_TIME = "ingest-time";
    /** A JSON object of user metadata, e.g. {@code {"label":3}}. */
    public static final String METADATA = "metadata";

    // dinostream.embeddings.v1 (the image headers above are carried over)
    public static final String MODEL_ID = "model-id";
    public static final String MODEL_VERSION = "model-version";
    /** Vector length, decimal. */
    public static final String DIMENSION = "dimension";
    /** {@code cls}, {@code cls+mean-patch} or {@code mean-patch}. */
    public static final String POOLING = "pooling";
    /** {@code l2} or {@code none}. */
    public static final String NORMALISATION = "normalisation";

    // dinostream.dlq.v1 (the original record's headers are carried over)
    /** The stage that rejected the record: {@code ingest}, {@code embedder} or {@code index}. */
    public static final String DLQ_STAGE = "dlq-stage";
    /** Fully qualified class name of the error. */
    public static final String DLQ_ERROR_CLASS = "dlq-error-class";
    /** Human-readable reason. */
    public static final String DLQ_REASON = "dlq-reason";
    /** Topic, partition and offset the record was read from. */
    public static final String DLQ_ORIGINAL_TOPIC = "dlq-original-topic";

    public static final String DLQ_ORIGINAL_PARTITION = "dlq-original-partition";
    public static final String DLQ_ORIGINAL_OFFSET = "dlq-original-offset";

    private Headers() {}

    /** Encodes a header value. */
    public static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** The last value of header {@code name}, decoded as UTF-8, if present. */
    public static Optional<String> lastString(org.apache.kafka.common.header.Headers headers, String name) {
        org.apache.kafka.common.header.Header header = headers.lastHeader(name);
        if (header == null || header.value() == null) {
            return Optional.empty();
        }
        return Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }
}
