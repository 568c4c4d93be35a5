package io.dinostream.trainer.data;

import io.dinostream.trainer.curate.CurationManifest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Resolves a dataset name given on the command line. */
public final class Datasets {
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(60);

    private Datasets() {}

    /** {@link #open(String, Map)} without Kafka: {@code kafka:} specs are refused. */
    public static ImageDataset open(String spec) throws IOException {
        return open(spec, null);
    }

    /**
     * @param spec {@code fashion-mnist:train}, {@code fashion-mnist:test}, {@code dir:PATH} (the PNG and JPEG
     *     files of a directory, in name order), {@code kafka:TOPIC} (the images of a topic, as they stand) or
     *     {@code manifest:FILE} (the images a curation kept, from the pool the manifest names)
     * @param kafkaConsumer a byte[] consumer's configuration for {@code kafka:} specs, or null
     */
    public static ImageDataset open(String spec, Map<String, Object> kafkaConsumer) throws IOException {
        if (spec.startsWith("fashion-mnist:")) {
            return FashionMnistImages.load(spec.substring("fashion-mnist:".length()));
        }
        if (spec.startsWith("manifest:")) {
            Path file = Path.of(spec.substring("manifest:".length()));
            CurationManifest manifest = CurationManifest.read(file);
            if (manifest.poolSpec().startsWith("manifest:")) {
                throw new IllegalArgumentException(file + " names another manifest as its pool");
            }
            ImageDataset pool = open(manifest.poolSpec(), kafkaConsumer);
            return new SubsetDataset(pool, keptIndices(manifest, pool, file), spec);
        }
        if (spec.startsWith("dir:")) {
            return ImageDirectory.open(Path.of(spec.substring("dir:".length())));
        }
        if (spec.startsWith("kafka:")) {
            if (kafkaConsumer == null) {
                throw new IllegalArgumentException(
                        spec + " needs a Kafka cluster: set bootstrap.servers (--bootstrap-servers HOST:PORT)");
            }
            return KafkaTopicImages.read(kafkaConsumer, spec.substring("kafka:".length()), KAFKA_TIMEOUT);
        }
        throw new IllegalArgumentException("unknown dataset '" + spec
                + "': use fashion-mnist:train, fashion-mnist:test, dir:PATH, kafka:TOPIC or manifest:FILE");
    }

    /**
     * The pool images a manifest kept, found by name, so that a directory that gained files or a topic that
     * gained records since the curation still gives exactly the curated images.
     */
    private static int[] keptIndices(CurationManifest manifest, ImageDataset pool, Path file) {
        Map<String, Integer> byName = new HashMap<>(pool.size() * 2);
        for (int i = 0; i < pool.size(); i++) {
            byName.put(pool.name(i), i);
        }
        List<String> missing = new ArrayList<>();
        List<Integer> kept = new ArrayList<>();
        for (CurationManifest.Row row : manifest.rows()) {
            if (row.kept()) {
                Integer index = byName.get(row.name());
                if (index == null) {
                    missing.add(row.name());
                } else {
                    kept.add(index);
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(missing.size() + " images kept by " + file + " are no longer in "
                    + manifest.poolSpec() + ", e.g. " + missing.subList(0, Math.min(3, missing.size())));
        }
        return kept.stream().mapToInt(Integer::intValue).sorted().toArray();
    }
}
