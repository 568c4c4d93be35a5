package io.dinostream.trainer.data;

import io.dinostream.common.wire.ImagePayloads;
import io.dinostream.embedder.image.ImageDecoder;
import io.dinostream.embedder.image.RgbImage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * The images of a topic in the images wire format (key = image id, value = encoded image, optionally
 * base64), as they stood when it was opened: every partition is read from the beginning to the end offsets
 * taken at the start, and the latest value of each key wins (a tombstone deletes), as a compacted topic
 * reads. Records that do not decode (checked fully on reading) are left out and listed in {@link #skipped()}, so one bad record does
 * not stop a curation. The encoded bytes stay in memory; images are decoded on access. Spec: {@code
 * kafka:TOPIC}.
 */
public final class KafkaTopicImages implements ImageDataset {
    private static final Duration POLL = Duration.ofMillis(500);

    private final String topic;
    private final List<String> ids;
    private final List<byte[]> encoded;
    private final List<String> skipped;
    private final ImageDecoder decoder = new ImageDecoder();

    private KafkaTopicImages(String topic, List<String> ids, List<byte[]> encoded, List<String> skipped) {
        this.topic = topic;
        this.ids = ids;
        this.encoded = encoded;
        this.skipped = skipped;
    }

    /**
     * @param consumerConfig a byte[] consumer's configuration (no group membership is used: the partitions
     *     are assigned, and nothing is committed)
     * @param timeout how long to wait for the topic's metadata and for each fetch before giving up
     */
    public static KafkaTopicImages read(Map<String, Object> consumerConfig, String topic, Duration timeout) {
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.put("enable.auto.commit", false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("no such topic: " + topic);
            }
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : infos) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<String, byte[]> latest = new LinkedHashMap<>();
            ImageDecoder decoder = new ImageDecoder();
            Map<String, String> bad = new LinkedHashMap<>();
            long lastProgress = System.nanoTime();
            while (!reachedEnd(consumer, end)) {
                var records = consumer.poll(POLL);
                if (!records.isEmpty()) {
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > timeout.toNanos()) {
                    throw new IllegalStateException("no progress reading " + topic + " for " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue;
                    }
                    String id = r.key() == null
                            ? "offset-" + r.partition() + "-" + r.offset()
                            : new String(r.key(), StandardCharsets.UTF_8);
                    latest.remove(id);
                    bad.remove(id);
                    if (r.value() == null) {
                        continue;
                    }
                    try {
                        byte[] bytes = ImagePayloads.bytes(r.value(), r.headers());
                        decoder.decode(bytes); // fully, so that a truncated image is caught here
                        latest.put(id, bytes);
                    } catch (RuntimeException e) {
                        bad.put(id, e.getMessage());
                    }
                }
            }
            List<String> skipped = new ArrayList<>();
            bad.forEach((id, why) -> skipped.add(id + ": " + why));
            return new KafkaTopicImages(
                    topic, new ArrayList<>(latest.keySet()), new ArrayList<>(latest.values()), skipped);
        }
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The records left out, as {@code id: reason}. */
    public List<String> skipped() {
        return Collections.unmodifiableList(skipped);
    }

    @Override
    public int size() {
        return ids.size();
    }

    @Override
    public RgbImage image(int index) {
        try {
            return decoder.decode(encoded.get(index));
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot decode image " + ids.get(index) + " of " + topic, e);
        }
    }

    @Override
    public int label(int index) {
        return -1;
    }

    /** The record key. */
    @Override
    public String name(int index) {
        return ids.get(index);
    }

    @Override
    public String describe() {
        return "kafka:" + topic + " (" + size() + " images"
                + (skipped.isEmpty() ? "" : ", " + skipped.size() + " undecodable records left out") + ")";
    }
}
