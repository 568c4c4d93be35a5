package io.dinostream.common.wire;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Builds dead-letter records: the original key, value and headers plus why and where it failed. */
public final class DeadLetters {
    /** Stage names used in {@link Headers#DLQ_STAGE}. */
    public static final String STAGE_INGEST = "ingest";

    public static final String STAGE_EMBEDDER = "embedder";
    public static final String STAGE_INDEX = "index";

    private DeadLetters() {}

    public static ProducerRecord<byte[], byte[]> of(
            ConsumerRecord<byte[], byte[]> original, String stage, Throwable error) {
        RecordHeaders headers =
                headers(original.headers(), original.topic(), original.partition(), original.offset(), stage, error);
        return new ProducerRecord<>(Topics.DEAD_LETTERS, null, original.key(), original.value(), headers);
    }

    /**
     * The headers of a dead letter: the original's (without earlier {@code dlq-} headers) plus stage,
     * error class, reason and the original topic, partition and offset. For producers that build the
     * record themselves (Kafka Streams forwards it to a sink).
     */
    public static RecordHeaders headers(
            Iterable<Header> original, String topic, int partition, long offset, String stage, Throwable error) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : original) {
            if (!header.key().startsWith("dlq-")) {
                headers.add(header);
            }
        }
        headers.add(Headers.DLQ_STAGE, Headers.utf8(stage));
        headers.add(Headers.DLQ_ERROR_CLASS, Headers.utf8(error.getClass().getName()));
        headers.add(Headers.DLQ_REASON, Headers.utf8(reason(error)));
        headers.add(Headers.DLQ_ORIGINAL_TOPIC, Headers.utf8(topic));
        headers.add(Headers.DLQ_ORIGINAL_PARTITION, Headers.utf8(Integer.toString(partition)));
        headers.add(Headers.DLQ_ORIGINAL_OFFSET, Headers.utf8(Long.toString(offset)));
        return headers;
    }

    /** The message of the error and of its causes, bounded so a header never grows without limit. */
    static String reason(Throwable error) {
        StringBuilder reason = new StringBuilder();
        for (Throwable t = error; t != null && reason.length() < 2000; t = t.getCause()) {
            if (reason.length() > 0) {
                reason.append("; caused by: ");
            }
            reason.append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        }
        String text = reason.toString();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= 4000 ? text : new String(bytes, 0, 4000, StandardCharsets.UTF_8);
    }
}
