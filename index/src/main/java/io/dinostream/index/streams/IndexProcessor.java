package io.dinostream.index.streams;

import io.dinostream.common.wire.DeadLetters;
import io.dinostream.common.wire.Headers;
import io.dinostream.index.apply.FaissChanges;
import io.dinostream.index.apply.RecordApplier;
import io.dinostream.index.apply.RejectedRecordException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index topology's one processor, one instance per task (partition): applies each image or
 * embedding record to the task's stores with {@link RecordApplier} and its vector changes to the task's
 * {@link Shard}; forwards a rejected record, with the reason, to the dead-letter sink and goes on.
 *
 * <p>On init the shard is rebuilt from the stores (which Kafka Streams has restored from their changelogs
 * if the task moved here) and registered; on close it is unregistered and freed. Under exactly-once an
 * aborted transaction closes the task and re-initialises it from the restored stores, so FAISS never
 * keeps a change the stores lost.
 */
final class IndexProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(IndexProcessor.class);

    private final IndexTopology.Options options;
    private final ShardRegistry registry;
    private final RecordApplier applier;
    private ProcessorContext<byte[], byte[]> context;
    private StreamsIndexWrites writes;
    private Shard shard;

    IndexProcessor(IndexTopology.Options options, ShardRegistry registry) {
        this.options = options;
        this.registry = registry;
        this.applier = new RecordApplier(options.imageMaxBytes());
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        KeyValueStore<Bytes, byte[]> info = context.getStateStore(IndexTopology.INFO_STORE);
        KeyValueStore<Bytes, byte[]> ids = context.getStateStore(IndexTopology.IDS_STORE);
        KeyValueStore<Bytes, byte[]> vectors = context.getStateStore(IndexTopology.VECTORS_STORE);
        KeyValueStore<Bytes, byte[]> images = context.getStateStore(IndexTopology.IMAGES_STORE);
        KeyValueStore<Bytes, byte[]> meta = context.getStateStore(IndexTopology.META_STORE);
        writes = new StreamsIndexWrites(info, ids, vectors, images, meta);
        int partition = context.taskId().partition();
        long started = System.nanoTime();
        int dimension = writes.embeddingSpec().map(spec -> spec.dimension()).orElse(0);
        shard = Shard.rebuild(
                partition, options.faissFactory(), options.trainSize(), options.device(), dimension, vectors, ids);
        registry.register(shard);
        LOG.info(
                "partition {}: FAISS '{}' rebuilt from its stores, {} vectors in {} ms",
                partition,
                options.faissFactory(),
                shard.size(),
                (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata()
                .orElseThrow(() -> new IllegalStateException("index records always come from a topic"));
        RecordApplier.Input input =
                new RecordApplier.Input(source.topic(), record.key(), record.value(), record.headers());
        FaissChanges changes = new FaissChanges();
        try {
            applier.apply(input, writes, changes);
        } catch (RejectedRecordException e) {
            LOG.warn(
                    "dead-lettering {}-{}@{}: {}", source.topic(), source.partition(), source.offset(), e.getMessage());
            context.forward(new Record<>(
                    record.key(),
                    record.value(),
                    record.timestamp(),
                    DeadLetters.headers(
                            record.headers(),
                            source.topic(),
                            source.partition(),
                            source.offset(),
                            DeadLetters.STAGE_INDEX,
                            e)));
            registry.recordDeadLettered();
            return;
        }
        int dimension = writes.embeddingSpec().map(spec -> spec.dimension()).orElse(0);
        shard.apply(changes, new String(record.key(), StandardCharsets.UTF_8), dimension);
        registry.recordApplied();
        if (changes.hasUpserts()) {
            recordFreshness(record);
        }
    }

    /** Ingest-to-searchable: from the image's {@code ingest-time} header to now, when its vector is in FAISS. */
    private void recordFreshness(Record<byte[], byte[]> record) {
        Headers.lastString(record.headers(), Headers.INGEST_TIME)
                .map(String::trim)
                .filter(text ->
                        text.matches("\\d{1,18}")) // not every record carries a valid time; those are not counted
                .ifPresent(text -> registry.freshness().record(context.currentSystemTimeMs() - Long.parseLong(text)));
    }

    @Override
    public void close() {
        if (shard != null) {
            registry.unregister(shard);
            shard = null;
        }
    }
}
