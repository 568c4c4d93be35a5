package io.dinostream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dinostream.common.kafka.EmbeddedKafka;
import io.dinostream.ingest.FashionMnist;
import io.dinostream.trainer.curate.CurationManifest;
import io.dinostream.trainer.curate.CurationStep;
import io.dinostream.trainer.data.Datasets;
import io.dinostream.trainer.data.ImageDataset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code curate --pool kafka:TOPIC --out-topic TOPIC} against a real in-process broker: images published
 * as a pipeline would (one rewritten, one deleted, one that does not decode, exact copies under other ids),
 * the manifest on a topic, and training from the manifest by image id.
 */
class CurateFromKafkaTest {
    private static final String POOL = "curation-pool";
    private static final String OUT = "curation-manifest";

    @Test
    void curatesATopicAndPublishesTheManifest(@TempDir Path dir) throws Exception {
        FashionMnist fmnist = FashionMnist.load(FashionMnist.DEFAULT_DIR, "train");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            String bootstrap = kafka.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new NewTopic(POOL, 3, (short) 1)))
                        .all()
                        .get();
            }
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(bootstrap))) {
                for (int i = 0; i < 60; i++) {
                    send(producer, "img-" + i, fmnist.png(i));
                }
                for (int i = 0; i < 10; i++) {
                    send(producer, "copy-" + i, fmnist.png(i));
                }
                send(producer, "img-5", fmnist.png(100)); // rewritten: the latest value counts
                send(producer, "img-6", null); // deleted
                send(producer, "broken", "not an image".getBytes(StandardCharsets.UTF_8));
                producer.flush();
            }

            Path manifestFile = dir.resolve("curated.csv");
            String printed = Cli.run(List.of(
                    "curate",
                    "--pool",
                    "kafka:" + POOL,
                    "--bootstrap-servers",
                    bootstrap,
                    "--out",
                    manifestFile.toString(),
                    "--out-topic",
                    OUT,
                    "--dedup-threshold",
                    "0.999",
                    "--no-balance"));
            assertTrue(printed.contains("broken: "), printed);
            assertTrue(printed.contains("Manifest written to topic " + OUT + " (69 records)"), printed);

            CurationManifest manifest = CurationManifest.read(manifestFile);
            Map<String, CurationStep> steps = new HashMap<>();
            manifest.rows().forEach(r -> steps.put(r.name(), r.step()));
            assertEquals(69, steps.size(), "59 live img- and 10 copies: img-6 deleted, broken left out");
            assertFalse(steps.containsKey("img-6"), "deleted");
            assertFalse(steps.containsKey("broken"), "undecodable");
            for (int i = 0; i < 10; i++) {
                if (i == 5 || i == 6) {
                    // img-5 now holds another image and img-6 is gone: copy-5 and copy-6 have no twin.
                    assertEquals(CurationStep.KEPT, steps.get("copy-" + i), "copy-" + i);
                    continue;
                }
                // Exactly one of the two is kept: whichever the partitions' interleaving put first.
                List<CurationStep> pair = List.of(steps.get("img-" + i), steps.get("copy-" + i));
                assertTrue(pair.contains(CurationStep.KEPT) && pair.contains(CurationStep.DUPLICATE), i + ": " + pair);
            }
            assertEquals(
                    8,
                    manifest.rows().stream()
                            .filter(r -> r.step() == CurationStep.DUPLICATE)
                            .count());

            List<JsonNode> published = readAll(bootstrap, OUT);
            assertEquals(69, published.size());
            for (JsonNode row : published) {
                assertEquals("kafka:" + POOL, row.get("pool").asText());
                assertEquals(
                        steps.get(row.get("name").asText()).label(),
                        row.get("step").asText());
            }

            // Two more images arrive after the curation: training from the manifest still takes exactly the
            // curated images, found by id.
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(bootstrap))) {
                send(producer, "late-1", fmnist.png(200));
                send(producer, "late-2", fmnist.png(201));
                producer.flush();
            }
            String trained = Cli.run(List.of(
                    "train",
                    "--preset",
                    "fmnist-vit-micro",
                    "--data",
                    "manifest:" + manifestFile,
                    "--bootstrap-servers",
                    bootstrap,
                    "--out",
                    dir.resolve("run").toString(),
                    "--batch-size",
                    "4",
                    "--images-per-epoch",
                    "8",
                    "--eval-data",
                    "none",
                    "--stop-after",
                    "1"));
            assertTrue(trained.contains("stopped after 1 iterations"), trained);
            ImageDataset curated = Datasets.open(
                    "manifest:" + manifestFile,
                    Map.of(
                            "bootstrap.servers", bootstrap,
                            "key.deserializer", ByteArrayDeserializer.class,
                            "value.deserializer", ByteArrayDeserializer.class));
            assertEquals(61, curated.size(), curated.describe());
            for (int i = 0; i < curated.size(); i++) {
                assertEquals(CurationStep.KEPT, steps.get(curated.name(i)), curated.name(i));
            }
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String id, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(POOL, id.getBytes(StandardCharsets.UTF_8), value))
                .get();
    }

    private static Map<String, Object> producerProps(String bootstrap) {
        return Map.of(
                "bootstrap.servers", bootstrap,
                "key.serializer", ByteArraySerializer.class,
                "value.serializer", ByteArraySerializer.class);
    }

    private static List<JsonNode> readAll(String bootstrap, String topic) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("key.deserializer", ByteArrayDeserializer.class);
        props.put("value.deserializer", ByteArrayDeserializer.class);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                assertTrue(System.nanoTime() < deadline, "reading " + topic + " timed out");
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    rows.add(json.readTree(r.value()));
                }
            }
        }
        return rows;
    }
}
