package io.dinostream.app.cli;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.KafkaClients;
import io.dinostream.trainer.data.Datasets;
import io.dinostream.trainer.data.ImageDataset;
import java.io.IOException;
import java.util.Map;

/** Opens a dataset spec given on the command line, with the configured Kafka cluster for {@code kafka:}. */
final class DatasetSpecs {
    private DatasetSpecs() {}

    /** @throws UsageException naming {@code option} when the spec cannot be opened */
    static ImageDataset open(String option, String spec, DinostreamConfig config) {
        try {
            return Datasets.open(spec, kafkaConsumer(config));
        } catch (IllegalArgumentException | IllegalStateException | IOException e) {
            throw new UsageException(option + " " + spec + ": " + e.getMessage());
        }
    }

    /** A consumer configuration for reading topics, or null when no cluster is configured. */
    static Map<String, Object> kafkaConsumer(DinostreamConfig config) {
        return config.bootstrapServers().isBlank()
                ? null
                : KafkaClients.consumer(config, "dinostream-datasets", "dinostream-datasets");
    }
}
