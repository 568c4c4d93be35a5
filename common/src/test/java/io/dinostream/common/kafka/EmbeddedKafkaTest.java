package io.dinostream.common.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.wire.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-process broker really serves clients, with records as large as the image limit allows. */
class EmbeddedKafkaTest {
    @Test
    void carriesALargeImageRecordAndSurvivesARestart(@TempDir Path dir) throws Exception {
        byte[] value = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(value);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            DinostreamConfig config =
                    new DinostreamConfig(Map.of(DinostreamConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers()));
            KafkaSetup.createTopics(config);
            KafkaSetup.createTopics(config); // idempotent
            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                assertTrue(admin.listTopics()
                        .names()
                        .get()
                        .containsAll(List.of(Topics.IMAGES, Topics.EMBEDDINGS, Topics.DEAD_LETTERS)));
            }
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config, "t"))) {
                producer.send(new ProducerRecord<>(Topics.IMAGES, "big".getBytes(StandardCharsets.UTF_8), value))
                        .get();
            }
            try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(KafkaClients.consumer(config, "g", "c"))) {
                consumer.subscribe(List.of(Topics.IMAGES));
                ConsumerRecord<byte[], byte[]> record = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (record == null && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        record = r;
                    }
                }
                assertTrue(record != null, "record not consumed within 60 s");
                assertArrayEquals(value, record.value());
            }
        }
        // A restart on the same directory keeps the topics and the data.
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                var offsets = admin.listOffsets(Map.of(
                                new org.apache.kafka.common.TopicPartition(Topics.IMAGES, 0),
                                org.apache.kafka.clients.admin.OffsetSpec.latest(),
                                new org.apache.kafka.common.TopicPartition(Topics.IMAGES, 1),
                                org.apache.kafka.clients.admin.OffsetSpec.latest()))
                        .all()
                        .get();
                long total =
                        offsets.values().stream().mapToLong(o -> o.offset()).sum();
                assertEquals(1, total);
            }
        }
    }
}
