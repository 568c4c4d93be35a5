package io.dinostream.embedder.worker;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.KafkaClients;
import io.dinostream.common.wire.DeadLetters;
import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.common.wire.Headers;
import io.dinostream.common.wire.ImageIds;
import io.dinostream.common.wire.ImagePayloads;
import io.dinostream.common.wire.Topics;
import io.dinostream.common.wire.VectorCodec;
import io.dinostream.common.wire.WireFormatException;
import io.dinostream.embedder.EmbedOutcome;
import io.dinostream.embedder.ImageEmbedder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedder role: consumes {@link Topics#IMAGES}, embeds micro-batches with an {@link ImageEmbedder}
 * and produces {@link Topics#EMBEDDINGS}; records it cannot use go to {@link Topics#DEAD_LETTERS}.
 *
 * <h2>Per record</h2>
 *
 * <ul>
 *   <li>valid key, image value: an embeddings record with the same key, value {@link VectorCodec#encode},
 *       headers {@code source}, {@code ingest-time}, {@code metadata} carried over plus the
 *       {@link EmbeddingSpec} headers;
 *   <li>valid key, null value (a delete): an embeddings record with the same key and a null value;
 *   <li>image that fails to decode ({@link EmbedOutcome#error()}) or key that is not a valid image id:
 *       {@link DeadLetters#of} with stage {@code embedder}; the worker goes on.
 * </ul>
 *
 * <h2>Delivery</h2>
 *
 * At least once. A batch is at most {@code embedder.batch.size} records, started when the first record
 * arrives and run when full or {@code embedder.batch.linger.ms} later. After a batch every produced
 * record is flushed and acknowledged (idempotent producer, {@code acks=all}), then the offsets of that
 * batch are committed with {@code commitSync}. If the embedder throws (not a decode failure, which is an
 * outcome, but an engine failure) or a send fails, the worker stops without committing, so the batch is
 * read again after a restart; {@link #failure()} says why. Embeddings are keyed, so a replay overwrites.
 *
 * <h2>Threading</h2>
 *
 * {@link #start()} runs the loop on one named thread ({@code dinostream-embedder-N}); the consumer and
 * producer are used only there. {@link #close()} may be called from any thread: it asks the loop to stop
 * (noticed within one idle poll, 200 ms), waits while the loop finishes and commits the records it has
 * read, then the loop thread closes the consumer and then the producer. The {@link ImageEmbedder} is not owned: the caller closes it after the worker.
 */
public final class EmbedderWorker implements AutoCloseable {
    /** Consumer group of all embedder instances. */
    public static final String GROUP_ID = "dinostream-embedder";

    private static final Logger LOG = LoggerFactory.getLogger(EmbedderWorker.class);
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();
    private static final AtomicInteger CLIENT_IDS = new AtomicInteger();
    private static final Duration IDLE_POLL = Duration.ofMillis(200);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final ImageEmbedder embedder;
    private final EmbeddingSpec spec;
    private final int batchSize;
    private final long lingerNanos;
    private final String name;

    private final List<ConsumerRecord<byte[], byte[]>> pending = new ArrayList<>();
    private long batchStartNanos;

    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean running = true;
    private volatile Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private final AtomicLong embedded = new AtomicLong();
    private final AtomicLong deletes = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();

    /**
     * A worker with its own Kafka consumer and producer built from {@code config} (see
     * {@link #consumerConfig} and {@link #producerConfig}). Call {@link #start()} to run it.
     */
    public static EmbedderWorker create(DinostreamConfig config, ImageEmbedder embedder) {
        Objects.requireNonNull(config, "config");
        return new EmbedderWorker(
                new KafkaConsumer<>(consumerConfig(config)),
                new KafkaProducer<>(producerConfig(config)),
                embedder,
                config.getInt(DinostreamConfig.EMBEDDER_BATCH_SIZE),
                Duration.ofMillis(config.getInt(DinostreamConfig.EMBEDDER_BATCH_LINGER_MS)));
    }

    /**
     * A worker over the given clients, which it owns and closes (tests pass mocks).
     *
     * @param batchSize largest micro-batch, at least 1
     * @param linger longest wait to fill a batch, zero or more
     */
    public EmbedderWorker(
            Consumer<byte[], byte[]> consumer,
            Producer<byte[], byte[]> producer,
            ImageEmbedder embedder,
            int batchSize,
            Duration linger) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        this.spec = Objects.requireNonNull(embedder.spec(), "embedder.spec()");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        if (linger == null || linger.isNegative()) {
            throw new IllegalArgumentException("linger must be zero or positive, got " + linger);
        }
        this.batchSize = batchSize;
        this.lingerNanos = linger.toNanos();
        this.name = "dinostream-embedder-" + THREAD_IDS.incrementAndGet();
    }

    /**
     * Consumer settings: {@link KafkaClients#consumer} (manual commits, fetch sizes that fit the largest
     * image) in group {@link #GROUP_ID}, at most one batch per poll.
     */
    public static Map<String, Object> consumerConfig(DinostreamConfig config) {
        requireBootstrap(config);
        Map<String, Object> props =
                KafkaClients.consumer(config, GROUP_ID, GROUP_ID + "-" + CLIENT_IDS.incrementAndGet());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.getInt(DinostreamConfig.EMBEDDER_BATCH_SIZE));
        return props;
    }

    /**
     * Producer settings: {@link KafkaClients#producer} (idempotent, {@code acks=all}, requests large
     * enough for a dead-lettered image, which carries the original bytes).
     */
    public static Map<String, Object> producerConfig(DinostreamConfig config) {
        requireBootstrap(config);
        return KafkaClients.producer(config, GROUP_ID + "-" + CLIENT_IDS.incrementAndGet());
    }

    private static void requireBootstrap(DinostreamConfig config) {
        String servers = config.bootstrapServers();
        if (servers == null || servers.isBlank()) {
            throw new IllegalArgumentException(DinostreamConfig.BOOTSTRAP_SERVERS
                    + " must be set for the embedder (start the embedded broker first)");
        }
    }

    /**
     * Subscribes to {@link Topics#IMAGES} and starts the loop on its own thread.
     *
     * @throws IllegalStateException if already started or closed
     */
    public void start() {
        if (closed.get()) {
            throw new IllegalStateException(name + " is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException(name + " already started");
        }
        Thread t = new Thread(this::run, name);
        t.setUncaughtExceptionHandler((th, e) -> LOG.error("{} died", th.getName(), e));
        thread = t;
        t.start();
    }

    private void run() {
        try {
            subscribe();
            LOG.info(
                    "{} started: batch size {}, linger {} ms, model {}",
                    name,
                    batchSize,
                    lingerNanos / 1_000_000,
                    spec.spaceKey());
            while (running) {
                pollOnce();
            }
            finishPending(); // graceful stop: embed and commit what was read
        } catch (RuntimeException | Error e) {
            fail(e);
        } finally {
            closeClients();
        }
    }

    /** Subscribes to the images topic. Package-private: tests drive the loop step by step. */
    void subscribe() {
        consumer.subscribe(List.of(Topics.IMAGES), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // Finish what was read from these partitions before another instance takes them.
                finishPending();
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                // Ownership is already gone, a commit would fail: drop what was read; it is re-read elsewhere.
                pending.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
            }
        });
    }

    /** One loop step: poll, then run every full batch and a partial one whose linger has expired. */
    void pollOnce() {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (pending.isEmpty()) {
                batchStartNanos = System.nanoTime();
            }
            pending.add(record);
        }
        while (pending.size() >= batchSize) {
            processPending(batchSize);
        }
        if (!pending.isEmpty() && System.nanoTime() - batchStartNanos >= lingerNanos) {
            processPending(pending.size());
        }
    }

    /** Runs whatever has been read, in batches of at most the batch size. */
    void finishPending() {
        while (!pending.isEmpty()) {
            processPending(Math.min(batchSize, pending.size()));
        }
    }

    private Duration pollTimeout() {
        if (pending.isEmpty()) {
            return IDLE_POLL;
        }
        long left = lingerNanos - (System.nanoTime() - batchStartNanos);
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    private void fail(Throwable e) {
        failure.compareAndSet(null, e);
        running = false;
        LOG.error("{} stopped: {}; the uncommitted batch will be re-read after a restart", name, e.toString(), e);
    }

    /** Embeds, produces, flushes and commits the first {@code count} pending records. */
    private void processPending(int count) {
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(pending.subList(0, count));
        pending.subList(0, count).clear();
        if (!pending.isEmpty()) {
            batchStartNanos = System.nanoTime();
        }

        List<Future<RecordMetadata>> sends = new ArrayList<>(batch.size());
        List<ConsumerRecord<byte[], byte[]>> images = new ArrayList<>(batch.size());
        List<byte[]> values = new ArrayList<>(batch.size());
        long newDeletes = 0;
        long newDead = 0;
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            String id = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            if (!ImageIds.isValid(id)) {
                sends.add(producer.send(DeadLetters.of(
                        record, DeadLetters.STAGE_EMBEDDER, new InvalidImageIdException(describeKey(record.key())))));
                newDead++;
            } else if (record.value() == null) {
                sends.add(producer.send(new ProducerRecord<>(
                        Topics.EMBEDDINGS, null, record.key(), null, carriedHeaders(record, false))));
                newDeletes++;
            } else {
                try {
                    values.add(ImagePayloads.bytes(record.value(), record.headers()));
                    images.add(record);
                } catch (WireFormatException e) {
                    sends.add(producer.send(DeadLetters.of(record, DeadLetters.STAGE_EMBEDDER, e)));
                    newDead++;
                }
            }
        }

        long newEmbedded = 0;
        if (!images.isEmpty()) {
            List<EmbedOutcome> outcomes = embedder.embed(values);
            if (outcomes == null || outcomes.size() != images.size()) {
                throw new IllegalStateException("embedder returned " + (outcomes == null ? "null" : outcomes.size())
                        + " outcomes for " + images.size() + " images");
            }
            for (int i = 0; i < images.size(); i++) {
                ConsumerRecord<byte[], byte[]> record = images.get(i);
                EmbedOutcome outcome = outcomes.get(i);
                if (outcome.ok()) {
                    float[] vector = outcome.vector();
                    if (vector == null || vector.length != spec.dimension()) {
                        throw new IllegalStateException("embedder returned a vector of length "
                                + (vector == null ? "null" : vector.length) + ", its spec says " + spec.dimension());
                    }
                    sends.add(producer.send(new ProducerRecord<>(
                            Topics.EMBEDDINGS,
                            null,
                            record.key(),
                            VectorCodec.encode(vector),
                            carriedHeaders(record, true))));
                    newEmbedded++;
                } else {
                    sends.add(producer.send(DeadLetters.of(record, DeadLetters.STAGE_EMBEDDER, outcome.error())));
                    newDead++;
                }
            }
        }

        producer.flush();
        for (Future<RecordMetadata> send : sends) {
            try {
                send.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("send failed, batch not committed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for sends, batch not committed", e);
            }
        }
        consumer.commitSync(nextOffsets(batch));
        embedded.addAndGet(newEmbedded);
        deletes.addAndGet(newDeletes);
        deadLettered.addAndGet(newDead);
        batches.incrementAndGet();
        LOG.debug(
                "{}: batch of {}: {} embedded, {} deletes, {} dead-lettered",
                name,
                batch.size(),
                newEmbedded,
                newDeletes,
                newDead);
    }

    /** The image headers an embedding carries over, plus the spec for embeddings. */
    private RecordHeaders carriedHeaders(ConsumerRecord<byte[], byte[]> record, boolean withSpec) {
        RecordHeaders headers = new RecordHeaders();
        for (String key : List.of(Headers.SOURCE, Headers.INGEST_TIME, Headers.METADATA)) {
            org.apache.kafka.common.header.Header header = record.headers().lastHeader(key);
            if (header != null) {
                headers.add(key, header.value());
            }
        }
        if (withSpec) {
            spec.writeTo(headers);
        }
        return headers;
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<ConsumerRecord<byte[], byte[]>> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            offsets.merge(
                    new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }

    private static String describeKey(byte[] key) {
        if (key == null) {
            return "missing record key: the image id is required";
        }
        String text = new String(key, StandardCharsets.UTF_8);
        if (text.length() > 60) {
            text = text.substring(0, 60) + "...";
        }
        return "invalid image id '" + text + "': expected 1-" + ImageIds.MAX_LENGTH
                + " characters from [A-Za-z0-9._:-], not starting with '.'";
    }

    private void closeClients() {
        try {
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
        } catch (RuntimeException e) {
            LOG.warn("{}: closing the consumer failed", name, e);
        }
        try {
            producer.close(CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warn("{}: closing the producer failed", name, e);
        }
    }

    /**
     * Stops the loop after its current batch and closes consumer then producer. Idempotent; safe from any
     * thread (from the loop thread itself it only asks the loop to stop).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        Thread t = thread;
        if (t == null) {
            started.set(true); // a later start() must fail
            closeClients();
            return;
        }
        if (t == Thread.currentThread()) {
            return;
        }
        try {
            t.join(CLOSE_TIMEOUT.toMillis() * 3);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            LOG.warn("{} did not stop within {} s", name, CLOSE_TIMEOUT.toSeconds() * 3);
        }
    }

    /**
     * Waits for the loop thread to end (after {@link #close()} or a failure).
     *
     * @return true if the thread has ended or was never started, false on timeout
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        Thread t = thread;
        if (t == null) {
            return true;
        }
        t.join(Math.max(1, timeout.toMillis()));
        return !t.isAlive();
    }

    /** The thread name, also used in log lines. */
    public String name() {
        return name;
    }

    /** True while the loop runs (started, not closed, not failed). */
    public boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive() && running;
    }

    /** Why the loop stopped on its own, if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** Embeddings produced and committed. */
    public long embeddedCount() {
        return embedded.get();
    }

    /** Deletes (null values) forwarded and committed. */
    public long deleteCount() {
        return deletes.get();
    }

    /** Records sent to the dead-letter topic and committed. */
    public long deadLetteredCount() {
        return deadLettered.get();
    }

    /** Records fully handled and committed: embedded + deletes + dead-lettered. */
    public long processedCount() {
        return embedded.get() + deletes.get() + deadLettered.get();
    }

    /** Batches committed. */
    public long batchCount() {
        return batches.get();
    }
}
