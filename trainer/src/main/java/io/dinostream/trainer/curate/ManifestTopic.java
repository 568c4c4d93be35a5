package io.dinostream.trainer.curate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A curation manifest on a topic: one record per pool image, key = its name (the image id for a {@code
 * kafka:} pool), value = JSON {@code {"pool", "curation", "index", "name", "step", "cluster"}}. {@code
 * curation} names the run, so that consumers of a topic that several curations wrote can tell them apart.
 * The call returns once every record is acknowledged (acks=all), or throws.
 */
public final class ManifestTopic {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ManifestTopic() {}

    /** @return the number of records written */
    public static int write(
            Map<String, Object> producerConfig, String topic, String curation, CurationManifest manifest)
            throws InterruptedException {
        List<Future<RecordMetadata>> sent = new ArrayList<>(manifest.rows().size());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig)) {
            for (CurationManifest.Row row : manifest.rows()) {
                sent.add(producer.send(new ProducerRecord<>(
                        topic,
                        row.name().getBytes(StandardCharsets.UTF_8),
                        value(manifest.poolSpec(), curation, row))));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("writing the manifest to " + topic + " failed: " + e.getCause(), e);
        }
        return sent.size();
    }

    static byte[] value(String pool, String curation, CurationManifest.Row row) {
        ObjectNode node = JSON.createObjectNode();
        node.put("pool", pool);
        node.put("curation", curation);
        node.put("index", row.index());
        node.put("name", row.name());
        node.put("step", row.step().label());
        node.put("cluster", row.cluster());
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
