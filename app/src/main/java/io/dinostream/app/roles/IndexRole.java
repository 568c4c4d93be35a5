package io.dinostream.app.roles;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.index.ImageIndexReader;
import io.dinostream.index.streams.StreamsIndex;
import io.dinostream.index.streams.StreamsIndexOptions;
import io.dinostream.index.worker.IndexWorker;
import io.dinostream.index.worker.IndexWorkerOptions;
import java.time.Duration;
import java.util.Optional;

/**
 * The index role of a process, whichever engine runs it ({@code index.engine}): the Kafka Streams
 * application ({@link StreamsIndex}, the default) or the standalone worker ({@link IndexWorker}).
 */
public sealed interface IndexRole extends AutoCloseable {
    /** How long start-up may take before the role counts as failed to start. */
    Duration READY_TIMEOUT = Duration.ofMinutes(5);

    /** The local index: every shard with the worker, this instance's shards with Kafka Streams. */
    ImageIndexReader reader();

    /** The error that stopped the role, if it stopped. */
    Optional<Throwable> failure();

    /** Whether it serves now (Kafka Streams RUNNING, or the worker's loop alive). */
    boolean isServing();

    /** The Kafka Streams index, when that engine runs. */
    default Optional<StreamsIndex> streams() {
        return Optional.empty();
    }

    @Override
    void close();

    /** Starts the configured engine and waits until it serves (its stores restored, FAISS built). */
    static IndexRole start(DinostreamConfig config) throws InterruptedException {
        if (config.getString(DinostreamConfig.INDEX_ENGINE).equals("worker")) {
            return new Worker(IndexWorker.start(IndexWorkerOptions.fromConfig(config)));
        }
        StreamsIndex index = StreamsIndex.start(StreamsIndexOptions.fromConfig(config));
        try {
            if (!index.awaitRunning(READY_TIMEOUT)) {
                throw new IllegalStateException("the index (Kafka Streams) did not reach RUNNING within "
                        + READY_TIMEOUT + ": state " + index.state()
                        + index.failure().map(f -> ", failed: " + f).orElse(""));
            }
        } catch (InterruptedException | RuntimeException e) {
            index.close();
            throw e;
        }
        return new Streams(index);
    }

    /** The standalone worker engine. */
    record Worker(IndexWorker worker) implements IndexRole {
        @Override
        public ImageIndexReader reader() {
            return worker;
        }

        @Override
        public Optional<Throwable> failure() {
            return worker.failure();
        }

        @Override
        public boolean isServing() {
            return worker.isRunning();
        }

        @Override
        public void close() {
            worker.close();
        }
    }

    /** The Kafka Streams engine. */
    record Streams(StreamsIndex index) implements IndexRole {
        @Override
        public ImageIndexReader reader() {
            return index;
        }

        @Override
        public Optional<Throwable> failure() {
            return index.failure();
        }

        @Override
        public boolean isServing() {
            return index.isRunning();
        }

        @Override
        public Optional<StreamsIndex> streams() {
            return Optional.of(index);
        }

        @Override
        public void close() {
            index.close();
        }
    }
}
