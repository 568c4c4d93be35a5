package io.dinostream.common.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.KafkaClients;
import io.dinostream.common.kafka.KafkaSetup;
import io.dinostream.common.wire.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The registry on Kafka: {@link #open} replays the compacted {@link Topics#MODELS} topic into a
 * {@link RegistryState}; each operation writes its records (acknowledged by every in-sync replica) and
 * applies them. Every read and write also refreshes a local cache file, so that {@link #cached} can answer
 * while Kafka is unreachable.
 */
public final class ModelRegistry {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DinostreamConfig config;
    private final RegistryState state;
    /** The latest record of each key, as compaction keeps them: what the local cache holds. */
    private final Map<String, RegistryState.Change> log;

    private ModelRegistry(DinostreamConfig config, RegistryState state, Map<String, RegistryState.Change> log) {
        this.config = config;
        this.state = state;
        this.log = log;
    }

    /** Reads the registry topic to its end (creating the topic if it is missing). */
    public static ModelRegistry open(DinostreamConfig config) throws IOException {
        KafkaSetup.createIfMissing(config, List.of(KafkaSetup.modelsTopic(config)));
        return read(config);
    }

    /**
     * Reads the registry topic to its end without checking that it exists: for a process that created
     * its topics at start and reads the registry every few seconds (a missing topic reads as empty).
     */
    public static ModelRegistry read(DinostreamConfig config) throws IOException {
        Map<String, Object> props =
                new HashMap<>(KafkaClients.consumer(config, "dinostream-registry", "dinostream-registry"));
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        RegistryState state = new RegistryState();
        Map<String, RegistryState.Change> log = new java.util.LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(Topics.MODELS, TIMEOUT)) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("the registry topic " + Topics.MODELS + " was not read to its end in "
                            + TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                    RegistryState.Change change = new RegistryState.Change(r.key(), r.value());
                    state.apply(change.key(), change.value());
                    remember(log, change);
                }
            }
        }
        ModelRegistry registry = new ModelRegistry(config, state, log);
        registry.writeCache();
        return registry;
    }

    /** The registry as last seen by this machine, from the local cache (empty when there is none). */
    public static RegistryState cached(DinostreamConfig config) throws IOException {
        RegistryState state = new RegistryState();
        Path file = cacheFile(config);
        if (Files.isRegularFile(file)) {
            for (JsonNode record : JSON.readTree(file.toFile())) {
                JsonNode value = record.get("value");
                state.apply(record.get("key").asText(), value.isNull() ? null : JSON.writeValueAsBytes(value));
            }
        }
        return state;
    }

    public static Path cacheFile(DinostreamConfig config) {
        return config.dataDir().resolve("registry").resolve("models-cache.json");
    }

    public RegistryState state() {
        return state;
    }

    public void register(ModelVersion version) throws IOException {
        write(state.register(version));
    }

    public void activate(String id) throws IOException {
        write(state.activate(id, Instant.now()));
    }

    /** Asks serving nodes to backfill {@code id}'s index and then flip to it. */
    public void requestActivation(String id) throws IOException {
        write(state.requestActivation(id, Instant.now()));
    }

    /** The flip, written by the serving node whose backfill of the pending version has caught up. */
    public void completeActivation(String id) throws IOException {
        write(state.completeActivation(id, Instant.now()));
    }

    /** Reports a backfill's progress (a serving node, every few seconds). */
    public void reportProgress(BackfillProgress progress) throws IOException {
        write(List.of(RegistryState.progressChange(progress)));
    }

    public void rollback() throws IOException {
        write(state.rollback(Instant.now()));
    }

    public void retire(String id) throws IOException {
        write(state.retire(id));
    }

    private void write(List<RegistryState.Change> changes) throws IOException {
        if (changes.isEmpty()) {
            return;
        }
        Map<String, Object> props = new HashMap<>(KafkaClients.producer(config, "dinostream-registry"));
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (RegistryState.Change change : changes) {
                producer.send(new ProducerRecord<>(Topics.MODELS, change.key(), change.value()))
                        .get();
            }
        } catch (ExecutionException e) {
            throw new IOException(
                    "cannot write to the registry topic " + Topics.MODELS + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing the registry", e);
        }
        state.apply(changes);
        for (RegistryState.Change change : changes) {
            remember(log, change);
        }
        writeCache();
    }

    private void writeCache() throws IOException {
        ArrayNode records = JSON.createArrayNode();
        for (RegistryState.Change change : log.values()) {
            records.addObject()
                    .put("key", change.key())
                    .set("value", change.value() == null ? null : JSON.readTree(change.value()));
        }
        Path file = cacheFile(config);
        String json = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(records);
        if (Files.isRegularFile(file)
                && Files.readString(file, StandardCharsets.UTF_8).equals(json)) {
            return; // a poll that found nothing new writes nothing
        }
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, json, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Keeps the latest value of a key, in the order keys first appeared (as a replay builds the state). */
    private static void remember(Map<String, RegistryState.Change> log, RegistryState.Change change) {
        log.put(change.key(), change);
    }

    private static boolean reachedEnd(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
