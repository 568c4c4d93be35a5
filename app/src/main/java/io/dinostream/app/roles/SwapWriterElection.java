package io.dinostream.app.roles;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.KafkaClients;
import io.dinostream.common.wire.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Picks the one process that writes a swap's flip to the registry. Every serving process joins a consumer
 * group on the registry topic, which has one partition: Kafka gives that partition to exactly one member,
 * and that member is the writer until it leaves or dies (then the group hands it on). The consumer never
 * reads: the partition is paused as soon as it is assigned; it only holds the membership.
 *
 * <p>Not thread-safe: the swap loop's one thread calls it.
 */
final class SwapWriterElection implements AutoCloseable {
    /** The consumer group whose member holding the registry partition writes flips. */
    static final String GROUP_ID = "dinostream-model-swap-writer";
    /** How long one check may drive the group protocol (joins complete over a few checks). */
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<byte[], byte[]> consumer;

    SwapWriterElection(DinostreamConfig config, String clientId) {
        Map<String, Object> props = KafkaClients.consumer(config, GROUP_ID, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(Topics.MODELS), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                consumer.pause(partitions); // membership only: never fetch the registry here
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}
        });
    }

    /** Whether this process is the writer now; drives the group protocol (call it every check). */
    boolean isWriter() {
        consumer.poll(POLL);
        return !consumer.assignment().isEmpty();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(10)); // leaves the group: another member takes over at once
    }
}
