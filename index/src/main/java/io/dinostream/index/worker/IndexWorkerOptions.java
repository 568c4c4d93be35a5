package io.dinostream.index.worker;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.index.faiss.IndexDevice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What an {@link IndexWorker} needs. Immutable; build from {@link #fromConfig} and adjust with the
 * {@code with*} methods.
 *
 * @param bootstrapServers Kafka bootstrap servers, non-empty
 * @param storeDirectory the RocksDB directory of this index instance
 * @param imageMaxBytes the largest image the topics carry; sizes fetches and dead-letter records
 * @param groupId the consumer group (used for offset commits, i.e. monitoring: the store holds the truth)
 * @param pollTimeout longest wait of one poll
 * @param faissThreads OpenMP threads for FAISS, 0 to keep the library default
 * @param clientOverrides extra Kafka client properties applied to consumer and producer last
 * @param faissFactory the FAISS index, as a factory string ({@code Flat}, {@code HNSW32}, {@code
 *     IVF1024,Flat}, ...; see docs/index.md)
 * @param trainSize vectors stored before an index that needs training is trained
 * @param snapshotEvery vector changes between two FAISS snapshots, 0 for none but the one at a clean
 *     close
 * @param device where k-NN searches run ({@code index.device}; docs/index.md, "GPU")
 */
public record IndexWorkerOptions(
        String bootstrapServers,
        Path storeDirectory,
        int imageMaxBytes,
        String groupId,
        Duration pollTimeout,
        int faissThreads,
        Map<String, Object> clientOverrides,
        String faissFactory,
        int trainSize,
        long snapshotEvery,
        IndexDevice device) {
    public static final String DEFAULT_GROUP_ID = "dinostream-index";
    /** Where the store lives under {@code data.dir}. */
    public static final String STORE_SUBDIRECTORY = "index";

    public IndexWorkerOptions {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(storeDirectory, "storeDirectory");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(pollTimeout, "pollTimeout");
        clientOverrides = Map.copyOf(clientOverrides);
        Objects.requireNonNull(faissFactory, "faissFactory");
        if (faissFactory.isBlank()) {
            throw new IllegalArgumentException("faissFactory must not be empty");
        }
        if (trainSize < 1) {
            throw new IllegalArgumentException("trainSize must be positive, got " + trainSize);
        }
        Objects.requireNonNull(device, "device");
        if (snapshotEvery < 0) {
            throw new IllegalArgumentException("snapshotEvery must be >= 0, got " + snapshotEvery);
        }
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers must not be empty");
        }
        if (imageMaxBytes < 1) {
            throw new IllegalArgumentException("imageMaxBytes must be positive, got " + imageMaxBytes);
        }
        if (groupId.isBlank()) {
            throw new IllegalArgumentException("groupId must not be empty");
        }
        if (pollTimeout.isNegative() || pollTimeout.isZero()) {
            throw new IllegalArgumentException("pollTimeout must be positive, got " + pollTimeout);
        }
        if (faissThreads < 0) {
            throw new IllegalArgumentException("faissThreads must be >= 0, got " + faissThreads);
        }
    }

    /**
     * Options from the typed configuration: {@code bootstrap.servers}, {@code data.dir}/index, {@code
     * image.max.bytes}, and {@code index.commit.interval.ms} as the poll timeout (at least 10 ms).
     */
    public static IndexWorkerOptions fromConfig(DinostreamConfig config) {
        int interval = config.getInt(DinostreamConfig.INDEX_COMMIT_INTERVAL_MS);
        return new IndexWorkerOptions(
                config.bootstrapServers(),
                config.dataDir().resolve(STORE_SUBDIRECTORY),
                config.imageMaxBytes(),
                DEFAULT_GROUP_ID,
                Duration.ofMillis(Math.max(10, interval)),
                0,
                Map.of(),
                config.getString(DinostreamConfig.INDEX_FAISS_FACTORY),
                config.getInt(DinostreamConfig.INDEX_FAISS_TRAIN_SIZE),
                config.getInt(DinostreamConfig.INDEX_SNAPSHOT_EVERY),
                IndexDevice.parse(config.getString(DinostreamConfig.INDEX_DEVICE)));
    }

    public IndexWorkerOptions withStoreDirectory(Path directory) {
        return new IndexWorkerOptions(
                bootstrapServers,
                directory,
                imageMaxBytes,
                groupId,
                pollTimeout,
                faissThreads,
                clientOverrides,
                faissFactory,
                trainSize,
                snapshotEvery,
                device);
    }

    public IndexWorkerOptions withGroupId(String group) {
        return new IndexWorkerOptions(
                bootstrapServers,
                storeDirectory,
                imageMaxBytes,
                group,
                pollTimeout,
                faissThreads,
                clientOverrides,
                faissFactory,
                trainSize,
                snapshotEvery,
                device);
    }

    public IndexWorkerOptions withFaissThreads(int threads) {
        return new IndexWorkerOptions(
                bootstrapServers,
                storeDirectory,
                imageMaxBytes,
                groupId,
                pollTimeout,
                threads,
                clientOverrides,
                faissFactory,
                trainSize,
                snapshotEvery,
                device);
    }

    public IndexWorkerOptions withFaiss(String factory, int train) {
        return new IndexWorkerOptions(
                bootstrapServers,
                storeDirectory,
                imageMaxBytes,
                groupId,
                pollTimeout,
                faissThreads,
                clientOverrides,
                factory,
                train,
                snapshotEvery,
                device);
    }

    public IndexWorkerOptions withClientOverrides(Map<String, Object> overrides) {
        return new IndexWorkerOptions(
                bootstrapServers,
                storeDirectory,
                imageMaxBytes,
                groupId,
                pollTimeout,
                faissThreads,
                overrides,
                faissFactory,
                trainSize,
                snapshotEvery,
                device);
    }

    public IndexWorkerOptions withDevice(IndexDevice where) {
        return new IndexWorkerOptions(
                bootstrapServers,
                storeDirectory,
                imageMaxBytes,
                groupId,
                pollTimeout,
                faissThreads,
                clientOverrides,
                faissFactory,
                trainSize,
                snapshotEvery,
                where);
    }

    public IndexWorkerOptions withSnapshotEvery(long changes) {
        return new IndexWorkerOptions(
                bootstrapServers,
                storeDirectory,
                imageMaxBytes,
                groupId,
                pollTimeout,
                faissThreads,
                clientOverrides,
                faissFactory,
                trainSize,
                changes,
                device);
    }
}
