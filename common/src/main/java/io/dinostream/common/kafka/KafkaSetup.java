package io.dinostream.common.kafka;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.wire.ModelLane;
import io.dinostream.common.wire.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates dinostream's topics if they do not exist. The images topic is compacted and kept forever: it is
 * the log of record that backfills re-embed from. Every topic accepts records of the largest image.
 */
public final class KafkaSetup {
    private KafkaSetup() {}

    /** The topics and their settings, as created for {@code config}. */
    public static List<NewTopic> topics(DinostreamConfig config) {
        String maxMessageBytes = Integer.toString(KafkaClients.maxRecordBytes(config));
        int partitions = config.topicPartitions();
        short replication = config.topicReplicationFactor();
        NewTopic images = new NewTopic(Topics.IMAGES, partitions, replication)
                .configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.RETENTION_MS_CONFIG,
                        "-1",
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                        maxMessageBytes));
        NewTopic embeddings = embeddingsTopic(config, ModelLane.DEFAULT);
        NewTopic deadLetters = new NewTopic(Topics.DEAD_LETTERS, 1, replication)
                .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxMessageBytes));
        return List.of(images, embeddings, deadLetters, modelsTopic(config));
    }

    /**
     * A lane's embeddings topic. Same partition count and key as images: partition i of both topics
     * describes the same images.
     */
    public static NewTopic embeddingsTopic(DinostreamConfig config, ModelLane lane) {
        return new NewTopic(lane.embeddingsTopic(), config.topicPartitions(), config.topicReplicationFactor())
                .configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.RETENTION_MS_CONFIG,
                        "-1"));
    }

    /** The registry topic: compacted and kept forever, one partition (a total order of its records). */
    public static NewTopic modelsTopic(DinostreamConfig config) {
        return new NewTopic(Topics.MODELS, 1, config.topicReplicationFactor())
                .configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.RETENTION_MS_CONFIG,
                        "-1"));
    }

    /**
     * A topic for curation manifests: compacted, so that it keeps the latest decision for each image (key:
     * image name).
     */
    public static NewTopic manifestTopic(DinostreamConfig config, String name) {
        return new NewTopic(name, config.topicPartitions(), config.topicReplicationFactor())
                .configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.RETENTION_MS_CONFIG,
                        "-1"));
    }

    /** Creates dinostream's missing topics; existing ones are left as they are. */
    public static void createTopics(DinostreamConfig config) {
        createIfMissing(config, topics(config));
    }

    /** Creates those of {@code topics} that do not exist; existing ones are left as they are. */
    public static void createIfMissing(DinostreamConfig config, List<NewTopic> topics) {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (NewTopic topic : topics) {
                if (!existing.contains(topic.name())) {
                    missing.add(topic);
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                // Another instance created them between our listing and our request: that is the goal.
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot create topics on " + config.bootstrapServers() + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
