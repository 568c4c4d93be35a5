package io.dinostream.embedder.streams;

import io.dinostream.common.wire.DeadLetters;
import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.common.wire.Headers;
import io.dinostream.common.wire.ImageIds;
import io.dinostream.common.wire.ImagePayloads;
import io.dinostream.common.wire.VectorCodec;
import io.dinostream.common.wire.WireFormatException;
import io.dinostream.embedder.EmbedOutcome;
import io.dinostream.embedder.ImageEmbedder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedder topology's processor, one per partition: collects images into a micro-batch, embeds it
 * when it holds {@code batchSize} images or its oldest image has waited {@code linger}, and forwards an
 * embedding per image, or a dead letter with the reason.
 *
 * <p><b>Nothing is lost.</b> The batch waits in a changelogged state store, written in the same
 * exactly-once transaction as the input offsets, so a crash replays it rather than dropping it.
 *
 * <p><b>Back-pressure.</b> Embedding runs on the stream thread: while the model works, the thread does not
 * poll, so consumption pauses exactly as long as the model is behind, and the fetch buffers are bounded.
 *
 * <p><b>Failures.</b> An image the model cannot decode is dead-lettered alone. If the model call itself
 * throws, it is retried with backoff ({@value #RETRIES} times); if it still fails, each image is embedded
 * on its own, so one poisonous image cannot take the others of its batch down, and only the images that
 * fail alone (while a canary image still embeds) are dead-lettered (stage {@code embedder}). If the canary
 * fails too, the engine is down: the role stops without committing rather than dead-letter everything.
 */
final class EmbedProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    static final int RETRIES = 3;
    private static final Logger LOG = LoggerFactory.getLogger(EmbedProcessor.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);

    private final ImageEmbedder embedder;
    private final EmbeddingSpec spec;
    private final int batchSize;
    private final Duration linger;
    private final EmbedderMetrics metrics;
    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<Long, byte[]> pending;
    private long nextSequence;
    private int pendingCount;
    private long oldestPendingMillis;

    EmbedProcessor(ImageEmbedder embedder, int batchSize, Duration linger, EmbedderMetrics metrics) {
        this.embedder = embedder;
        this.spec = embedder.spec();
        this.batchSize = batchSize;
        this.linger = linger;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.pending = context.getStateStore(EmbedderTopology.PENDING_STORE);
        // A restored batch (the task moved, or crashed before embedding it) is embedded first.
        try (KeyValueIterator<Long, byte[]> it = pending.all()) {
            while (it.hasNext()) {
                nextSequence = Math.max(nextSequence, it.next().key + 1);
                pendingCount++;
            }
        }
        oldestPendingMillis = context.currentSystemTimeMs();
        long tick = Math.max(5, linger.toMillis() / 2);
        context.schedule(Duration.ofMillis(tick), PunctuationType.WALL_CLOCK_TIME, this::flushIfDue);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        String id = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (!ImageIds.isValid(id)) {
            deadLetter(
                    record.key(),
                    record.value(),
                    record.headers(),
                    source,
                    new InvalidImageIdException(
                            "invalid image id " + (id == null ? "(no key)" : "'" + clip(id) + "'") + ": expected 1-"
                                    + ImageIds.MAX_LENGTH + " characters from [A-Za-z0-9._:-], not starting with '.'"));
            return;
        }
        if (record.value() == null) {
            flush(); // a delete must follow the images of the same id that are still waiting
            context.forward(new Record<>(record.key(), null, record.timestamp(), carried(record.headers(), false)));
            metrics.deletes.incrementAndGet();
            return;
        }
        byte[] bytes;
        try {
            bytes = ImagePayloads.bytes(record.value(), record.headers());
        } catch (WireFormatException e) {
            deadLetter(record.key(), record.value(), record.headers(), source, e);
            return;
        }
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        PendingImage image = new PendingImage(
                record.key(), bytes, headers, record.timestamp(), source.topic(), source.partition(), source.offset());
        pending.put(nextSequence++, image.encode());
        if (pendingCount++ == 0) {
            oldestPendingMillis = context.currentSystemTimeMs();
        }
        if (pendingCount >= batchSize) {
            flush();
        }
    }

    private void flushIfDue(long now) {
        if (pendingCount > 0 && now - oldestPendingMillis >= linger.toMillis()) {
            flush();
        }
    }

    /** Embeds every waiting image and forwards the results; the batch store is empty afterwards. */
    private void flush() {
        if (pendingCount == 0) {
            return;
        }
        List<Long> keys = new ArrayList<>(pendingCount);
        List<PendingImage> images = new ArrayList<>(pendingCount);
        try (KeyValueIterator<Long, byte[]> it = pending.all()) {
            while (it.hasNext()) {
                KeyValue<Long, byte[]> entry = it.next();
                keys.add(entry.key);
                images.add(PendingImage.decode(entry.value));
            }
        }
        long started = System.nanoTime();
        List<Object> results = embedBatch(images);
        metrics.recordBatch(images.size(), System.nanoTime() - started);
        for (int i = 0; i < images.size(); i++) {
            PendingImage image = images.get(i);
            Object result = results.get(i);
            if (result instanceof float[] vector) {
                context.forward(new Record<>(
                        image.key(), VectorCodec.encode(vector), image.timestamp(), carried(image.headers(), true)));
                metrics.embedded.incrementAndGet();
            } else {
                deadLetter(image, (Throwable) result);
            }
        }
        keys.forEach(pending::delete);
        pendingCount = 0;
    }

    /** One result per image: its vector, or the error that rejects it. */
    private List<Object> embedBatch(List<PendingImage> images) {
        List<byte[]> values = new ArrayList<>(images.size());
        images.forEach(image -> values.add(image.value()));
        RuntimeException failure;
        try {
            return toResults(withRetries(() -> embedder.embed(values)), images.size());
        } catch (RuntimeException e) {
            failure = e;
        }
        LOG.warn(
                "model failed on a batch of {} after {} retries; embedding its images one by one",
                images.size(),
                RETRIES,
                failure);
        List<Object> results = new ArrayList<>(images.size());
        for (byte[] value : values) {
            try {
                results.addAll(toResults(embedder.embed(List.of(value)), 1));
            } catch (RuntimeException e) {
                requireEngineWorks(e);
                results.add(e); // the engine works, this image breaks it: a poison image
            }
        }
        return results;
    }

    /**
     * Tells a poison image from an engine outage: if the model cannot embed a plain canary image either,
     * the engine is down, and the batch must not be dead-lettered (an outage would empty the images topic
     * into the dead-letter topic). Throwing stops the role without committing, so the batch is embedded
     * again after a restart.
     */
    private void requireEngineWorks(RuntimeException imageFailure) {
        try {
            toResults(embedder.embed(List.of(Canary.PNG)), 1);
        } catch (RuntimeException canaryFailure) {
            canaryFailure.addSuppressed(imageFailure);
            throw new IllegalStateException(
                    "the model fails on a plain canary image too: engine outage, nothing dead-lettered", canaryFailure);
        }
    }

    private List<Object> toResults(List<EmbedOutcome> outcomes, int expected) {
        if (outcomes == null || outcomes.size() != expected) {
            throw new IllegalStateException("the model returned " + (outcomes == null ? "null" : outcomes.size())
                    + " outcomes for " + expected + " images");
        }
        List<Object> results = new ArrayList<>(expected);
        for (EmbedOutcome outcome : outcomes) {
            if (!outcome.ok()) {
                results.add(outcome.error());
            } else if (outcome.vector() == null || outcome.vector().length != spec.dimension()) {
                throw new IllegalStateException("the model returned a vector of length "
                        + (outcome.vector() == null ? "null" : outcome.vector().length) + ", its spec says "
                        + spec.dimension());
            } else {
                results.add(outcome.vector());
            }
        }
        return results;
    }

    private List<EmbedOutcome> withRetries(java.util.function.Supplier<List<EmbedOutcome>> call) {
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 0; ; attempt++) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                if (attempt == RETRIES) {
                    throw e;
                }
                metrics.retries.incrementAndGet();
                LOG.warn("model call failed (attempt {} of {}), retrying in {}", attempt + 1, RETRIES + 1, backoff, e);
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoff = backoff.multipliedBy(2);
            }
        }
    }

    private void deadLetter(PendingImage image, Throwable error) {
        deadLetter(
                image.key(),
                image.value(),
                image.headers(),
                image.topic(),
                image.partition(),
                image.offset(),
                image.timestamp(),
                error);
    }

    private void deadLetter(
            byte[] key,
            byte[] value,
            org.apache.kafka.common.header.Headers headers,
            RecordMetadata source,
            Throwable error) {
        deadLetter(
                key,
                value,
                headers,
                source.topic(),
                source.partition(),
                source.offset(),
                context.currentSystemTimeMs(),
                error);
    }

    private void deadLetter(
            byte[] key,
            byte[] value,
            org.apache.kafka.common.header.Headers headers,
            String topic,
            int partition,
            long offset,
            long timestamp,
            Throwable error) {
        LOG.warn("dead-lettering {}-{}@{}: {}", topic, partition, offset, error.getMessage());
        context.forward(new Record<>(
                key,
                value,
                timestamp,
                DeadLetters.headers(headers, topic, partition, offset, DeadLetters.STAGE_EMBEDDER, error)));
        metrics.deadLettered.incrementAndGet();
    }

    /** The image headers an embedding carries over, plus the spec for embeddings. */
    private RecordHeaders carried(org.apache.kafka.common.header.Headers source, boolean withSpec) {
        RecordHeaders headers = new RecordHeaders();
        for (String key : List.of(Headers.SOURCE, Headers.INGEST_TIME, Headers.METADATA)) {
            org.apache.kafka.common.header.Header header = source.lastHeader(key);
            if (header != null) {
                headers.add(key, header.value());
            }
        }
        if (withSpec) {
            spec.writeTo(headers);
        }
        return headers;
    }

    private static String clip(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }

    @Override
    public void close() {
        // Waiting images stay in the store; the task's next owner embeds them.
    }
}
