package io.dinostream.app.roles;

import io.dinostream.api.PipelineStatus;
import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.KafkaClients;
import io.dinostream.common.wire.Headers;
import io.dinostream.common.wire.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the records of the dead-letter topic, pipeline-wide (every stage, every instance), for the
 * status panel and {@code /health}: one read_committed consumer on its own thread, assigned every
 * partition (no consumer group, nothing committed), reading from the beginning. End offsets would be
 * cheaper but count transaction markers too, and the embedder and index write dead letters in
 * transactions. Also keeps the newest dead letter's stage and reason.
 */
final class DeadLetterWatch implements PipelineStatus, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterWatch.class);
    private static final Duration PARTITION_REFRESH = Duration.ofSeconds(30);
    private static final int REASON_CHARS = 300;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final AtomicLong count = new AtomicLong();
    private final AtomicReference<Map<String, Object>> newest = new AtomicReference<>();
    private volatile boolean running = true;

    private DeadLetterWatch(DinostreamConfig config) {
        Map<String, Object> props = KafkaClients.consumer(config, "unused", "dinostream-dlq-watch");
        props.remove(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(props);
        this.thread = new Thread(this::run, "dinostream-dlq-watch");
        this.thread.setDaemon(true);
    }

    static DeadLetterWatch start(DinostreamConfig config) {
        DeadLetterWatch watch = new DeadLetterWatch(config);
        watch.thread.start();
        return watch;
    }

    /** Dead letters read so far. */
    long count() {
        return count.get();
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("deadLetters", count.get());
        Map<String, Object> last = newest.get();
        if (last != null) {
            facts.put("lastDeadLetter", last);
        }
        return facts;
    }

    private void run() {
        List<TopicPartition> assigned = List.of();
        long refreshAt = 0;
        try {
            while (running) {
                if (System.nanoTime() >= refreshAt) {
                    assigned = reassign(assigned);
                    refreshAt = System.nanoTime() + PARTITION_REFRESH.toNanos();
                }
                if (assigned.isEmpty()) {
                    Thread.sleep(1_000); // the topic does not exist yet
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    count.incrementAndGet();
                    newest.set(describe(record));
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                LOG.warn("dead-letter watch stopped; /health no longer counts dead letters", e);
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Assigns every partition of the topic; new partitions are read from their beginning. */
    private List<TopicPartition> reassign(List<TopicPartition> current) {
        List<TopicPartition> partitions;
        try {
            partitions = consumer.partitionsFor(Topics.DEAD_LETTERS, Duration.ofSeconds(5)).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return current;
        }
        if (partitions.size() != current.size()) {
            List<TopicPartition> added =
                    partitions.stream().filter(p -> !current.contains(p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(added);
        }
        return partitions;
    }

    private static Map<String, Object> describe(ConsumerRecord<byte[], byte[]> record) {
        Map<String, Object> last = new LinkedHashMap<>();
        last.put("key", record.key() == null ? null : clip(new String(record.key(), StandardCharsets.UTF_8)));
        last.put(
                "stage", Headers.lastString(record.headers(), Headers.DLQ_STAGE).orElse(null));
        last.put(
                "reason",
                Headers.lastString(record.headers(), Headers.DLQ_REASON)
                        .map(DeadLetterWatch::clip)
                        .orElse(null));
        last.put("timestampMillis", record.timestamp());
        return last;
    }

    private static String clip(String text) {
        return text.length() <= REASON_CHARS ? text : text.substring(0, REASON_CHARS) + "...";
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5_000);
    }
}
