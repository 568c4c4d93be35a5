package io.dinostream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.EmbeddedKafka;
import io.dinostream.common.kafka.KafkaClients;
import io.dinostream.common.kafka.KafkaSetup;
import io.dinostream.common.wire.Headers;
import io.dinostream.common.wire.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingests a directory through a real in-process broker and reads the records back. */
class IngestorTest {
    @Test
    void publishesValidImagesAndRejectsTheRestWithReasons(@TempDir Path dir) throws Exception {
        FashionMnist fmnist = FashionMnist.load(FashionMnist.DEFAULT_DIR, "test");
        Path images = Files.createDirectories(dir.resolve("images/sub"));
        Files.write(images.resolve("shoe.png"), fmnist.png(0));
        Files.write(dir.resolve("images/bag.png"), fmnist.png(1));
        Files.writeString(dir.resolve("images/fake.jpg"), "this is text, not a JPEG");
        Files.write(dir.resolve("images/huge.bmp"), new byte[5000]);
        Files.writeString(dir.resolve("images/notes.txt"), "ignored: not an image extension");

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            Map<String, Object> values = new HashMap<>();
            values.put(DinostreamConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            values.put(DinostreamConfig.IMAGE_MAX_BYTES, 4096);
            DinostreamConfig config = new DinostreamConfig(values);
            KafkaSetup.createTopics(config);
            Clock clock = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC);
            Ingestor.Report report;
            try (ImagePublisher publisher = new ImagePublisher(config, clock)) {
                List<ImageCandidate> candidates =
                        ImageSources.resolve(dir.resolve("images").toString(), 100);
                assertEquals(4, candidates.size(), "four files have image extensions");
                report = new Ingestor(publisher, config.imageMaxBytes()).ingest(candidates, n -> {});
            }
            assertEquals(List.of("bag.png", "sub_shoe.png"), report.publishedIds());
            assertEquals(2, report.rejections().size());
            assertTrue(
                    report.rejections().stream()
                            .anyMatch(r -> r.contains("fake.jpg") && r.contains("not a supported image")),
                    report.rejections().toString());
            assertTrue(
                    report.rejections().stream().anyMatch(r -> r.contains("huge.bmp") && r.contains("over the limit")),
                    report.rejections().toString());

            Map<String, ConsumerRecord<byte[], byte[]>> received = new HashMap<>();
            try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(KafkaClients.consumer(config, "test", "test"))) {
                consumer.subscribe(List.of(Topics.IMAGES));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (received.size() < 2 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        received.put(new String(record.key(), StandardCharsets.UTF_8), record);
                    }
                }
            }
            assertEquals(2, received.size());
            ConsumerRecord<byte[], byte[]> shoe = received.get("sub_shoe.png");
            assertEquals(
                    "image/png",
                    Headers.lastString(shoe.headers(), Headers.CONTENT_TYPE).orElseThrow());
            assertEquals(
                    "1700000000000",
                    Headers.lastString(shoe.headers(), Headers.INGEST_TIME).orElseThrow());
            assertTrue(Headers.lastString(shoe.headers(), Headers.SOURCE)
                    .orElseThrow()
                    .endsWith("shoe.png"));
            assertEquals(fmnist.png(0).length, shoe.value().length);
        }
    }
}
