package io.dinostream.index.worker;

import io.dinostream.common.wire.DeadLetters;
import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.common.wire.Topics;
import io.dinostream.index.ImageIndexReader;
import io.dinostream.index.SearchFilter;
import io.dinostream.index.SearchHit;
import io.dinostream.index.StoredImage;
import io.dinostream.index.apply.FaissChanges;
import io.dinostream.index.apply.RecordApplier;
import io.dinostream.index.apply.RejectedRecordException;
import io.dinostream.index.faiss.FactoryVectorIndex.Metric;
import io.dinostream.index.faiss.FaissNative;
import io.dinostream.index.faiss.FaissVectorIndex;
import io.dinostream.index.faiss.VectorIndexes;
import io.dinostream.index.store.CorruptStoreException;
import io.dinostream.index.store.ImageMeta;
import io.dinostream.index.store.IndexStore;
import io.dinostream.index.store.SnapshotManifest;
import io.dinostream.index.vector.Neighbors;
import io.dinostream.index.vector.VectorIndex;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index role: consumes {@code dinostream.images.v1} and {@code dinostream.embeddings.v1}, keeps them in
 * an {@link IndexStore} (RocksDB) and a {@link FaissVectorIndex}, and answers searches ({@link
 * ImageIndexReader}).
 *
 * <h2>Processing and guarantees</h2>
 *
 * One thread ({@value #THREAD_NAME}) polls; each polled batch is applied to one RocksDB write batch that
 * also records, per partition, the offset of the next record to apply. Then, in order: rejected records
 * are sent to {@code dinostream.dlq.v1} and acknowledged, the batch is written (write-ahead log on),
 * FAISS is updated, and the Kafka offsets are committed with {@code commitSync}. The store, not the
 * consumer group, is the truth about progress: on partition assignment the worker seeks to the offsets in
 * the store (or to the beginning for a partition it never applied), so a new or wiped store re-reads the
 * topics in full and a crash at any point replays at most one batch (upserts and deletes are idempotent).
 * The committed group offsets serve monitoring (consumer lag).
 *
 * <h2>Snapshots</h2>
 *
 * Every vector change is logged in the store with the batch that made it. Every {@link
 * IndexWorkerOptions#snapshotEvery()} changes, and at a clean close, the worker writes FAISS to the store
 * as a snapshot that records the change sequence and offsets it covers; a start loads the newest one and
 * replays only the later changes ({@code VectorIndexLoader}). Snapshots run on the worker thread under
 * the read lock: ingestion pauses, searches do not.
 *
 * <p>Images and embeddings of an id share a key and so a partition number; the consumer uses the range
 * assignor so that one instance gets the same partitions of both topics. Running several instances (one
 * shard each) is not supported yet: a store keeps what it applied even after its partitions move.
 *
 * <h2>Threading</h2>
 *
 * Searches and look-ups run on the caller's threads, concurrently with each other; a read-write lock makes
 * each batch's RocksDB write and FAISS update atomic to them. FAISS uses OpenMP inside a search: size its
 * pool with {@link IndexWorkerOptions#faissThreads()}.
 *
 * <h2>Closing</h2>
 *
 * {@link #close()} stops the poll loop (which closes the consumer on its own thread), closes the
 * dead-letter producer, then, under the write lock, closes FAISS and finally the store. Idempotent.
 */
public final class IndexWorker implements ImageIndexReader, AutoCloseable {
    public static final String THREAD_NAME = "dinostream-index-worker";

    private static final Logger LOG = LoggerFactory.getLogger(IndexWorker.class);
    /** Room for record and batch overhead above the largest image in one fetch. */
    private static final int FETCH_OVERHEAD_BYTES = 64 * 1024;
    /** Room for the dead-letter headers above the original record. */
    private static final int DEAD_LETTER_OVERHEAD_BYTES = 1024 * 1024;

    /** Filtered searches ask FAISS for this many times k neighbours before post-filtering. */
    static final int FILTER_OVERFETCH = 10;

    private final java.util.concurrent.atomic.AtomicLong filteredScans = new java.util.concurrent.atomic.AtomicLong();
    private final IndexWorkerOptions options;
    private final IndexStore store;
    private final RecordApplier applier;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> deadLetters;
    private final Thread thread;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();

    // Guarded by lock: replaced only under the write lock.
    private VectorIndex vectors;
    private boolean closed;

    // Touched only by the worker thread (and by close() after that thread ended).
    private VectorIndexLoader.Loaded loaded;
    private long changesSinceSnapshot;
    private boolean snapshotDue;
    private final AtomicLong snapshotsTaken = new AtomicLong();
    private final AtomicLong snapshotFailures = new AtomicLong();
    private volatile SnapshotManifest lastSnapshot;

    private volatile boolean running = true;
    private volatile Throwable failure;

    private IndexWorker(
            IndexWorkerOptions options,
            IndexStore store,
            VectorIndex vectors,
            KafkaConsumer<byte[], byte[]> consumer,
            KafkaProducer<byte[], byte[]> deadLetters) {
        this.options = options;
        this.store = store;
        this.vectors = vectors;
        this.consumer = consumer;
        this.deadLetters = deadLetters;
        this.applier = new RecordApplier(options.imageMaxBytes());
        this.thread = new Thread(this::run, THREAD_NAME);
    }

    /**
     * Opens the store in {@link IndexWorkerOptions#storeDirectory()}, rebuilds FAISS from it, and starts
     * consuming.
     *
     * @throws io.dinostream.index.store.IndexStoreException if the store cannot be opened
     * @throws org.apache.kafka.common.KafkaException if the Kafka clients cannot be created
     */
    public static IndexWorker start(IndexWorkerOptions options) {
        if (options.faissThreads() > 0) {
            FaissNative.setThreads(options.faissThreads());
        }
        List<AutoCloseable> created = new ArrayList<>();
        try {
            IndexStore store = IndexStore.open(options.storeDirectory());
            created.add(store);
            VectorIndexLoader.Loaded loaded = VectorIndexLoader.load(store, options);
            VectorIndex vectors = loaded == null ? null : loaded.index();
            if (vectors != null) {
                created.add(vectors);
            }
            KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(options));
            created.add(producer);
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(options));
            created.add(consumer);
            IndexWorker worker = new IndexWorker(options, store, vectors, consumer, producer);
            worker.loaded = loaded;
            long covered =
                    store.latestSnapshot().map(SnapshotManifest::changesCovered).orElse(0L);
            worker.changesSinceSnapshot = store.nextChange() - covered;
            // An index rebuilt from the vectors is snapshotted first thing, so the next start is quick.
            worker.snapshotDue = loaded != null && !loaded.fromSnapshot() && vectors.size() > 0;
            worker.thread.start();
            return worker;
        } catch (RuntimeException e) {
            for (int i = created.size() - 1; i >= 0; i--) {
                try {
                    created.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    static Map<String, Object> consumerConfig(IndexWorkerOptions options) {
        int partitionFetch = options.imageMaxBytes() + FETCH_OVERHEAD_BYTES;
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, options.groupId());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, options.groupId() + "-consumer");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The embedder writes transactionally (exactly-once): never apply aborted records.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, partitionFetch);
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Math.max(partitionFetch, 50 * 1024 * 1024));
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        config.putAll(options.clientOverrides());
        return config;
    }

    static Map<String, Object> producerConfig(IndexWorkerOptions options) {
        int maxRequest = options.imageMaxBytes() + DEAD_LETTER_OVERHEAD_BYTES;
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, options.groupId() + "-dlq");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRequest);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L * 1024 * 1024, 2L * maxRequest));
        config.putAll(options.clientOverrides());
        return config;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(Topics.IMAGES, Topics.EMBEDDINGS), new SeekToStoredOffsets());
            while (running) {
                if (snapshotDue) {
                    snapshotDue = false;
                    takeSnapshot();
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(options.pollTimeout());
                if (!records.isEmpty()) {
                    applyBatch(records);
                    if (options.snapshotEvery() > 0 && changesSinceSnapshot >= options.snapshotEvery()) {
                        takeSnapshot();
                    }
                }
            }
        } catch (WakeupException e) {
            if (running) {
                failure = e;
                LOG.error("index worker woken up unexpectedly; stopped", e);
            }
        } catch (Throwable e) { // NOPMD: anything that escapes stops the worker and is reported by failure()
            failure = e;
            LOG.error("index worker failed and stopped; restart it to resume from the store's offsets", e);
        } finally {
            consumer.close();
        }
    }

    private void applyBatch(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
        List<ProducerRecord<byte[], byte[]>> rejected = new ArrayList<>();
        FaissChanges changes = new FaissChanges();
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        try (IndexStore.Batch batch = store.newBatch()) {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                try {
                    applier.apply(RecordApplier.Input.of(record), batch, changes);
                } catch (RejectedRecordException e) {
                    LOG.warn(
                            "dead-lettering {}-{}@{}: {}",
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            e.getMessage());
                    rejected.add(DeadLetters.of(record, DeadLetters.STAGE_INDEX, e));
                }
                batch.putNextOffset(record.topic(), record.partition(), record.offset() + 1);
                commit.put(
                        new TopicPartition(record.topic(), record.partition()),
                        new OffsetAndMetadata(record.offset() + 1));
            }
            for (long id : changes.ids()) {
                batch.logChange(id);
            }
            // Dead letters are acknowledged before the offsets that skip them are stored.
            sendDeadLetters(rejected);
            lock.writeLock().lock();
            try {
                batch.write();
                applyToFaiss(changes, batch);
            } finally {
                lock.writeLock().unlock();
            }
        }
        changesSinceSnapshot += changes.size();
        processed.addAndGet(records.count());
        deadLettered.addAndGet(rejected.size());
        consumer.commitSync(commit);
    }

    /**
     * Writes the FAISS index to the store as the newest snapshot, covering every change and offset applied
     * so far. Runs on the worker thread (the only writer, so nothing changes meanwhile) under the read
     * lock: searches go on. A failure is logged and counted, and retried after the next interval: the
     * store still holds every vector, so nothing is lost, only the next start is slower.
     */
    private void takeSnapshot() {
        if (vectors == null) {
            return;
        }
        long started = System.nanoTime();
        lock.readLock().lock();
        try (IndexStore.SnapshotOutput out = store.newSnapshot()) {
            long covered = store.nextChange();
            Map<String, Long> offsets = store.offsets();
            vectors.writeSnapshot(out);
            lastSnapshot =
                    out.commit(VectorIndexes.factoryOf(vectors), vectors.dimension(), vectors.size(), covered, offsets);
            changesSinceSnapshot = 0;
            snapshotsTaken.incrementAndGet();
            LOG.info(
                    "snapshot {} of FAISS: {} vectors, {} bytes, covering offsets {}, in {} ms",
                    lastSnapshot.number(),
                    lastSnapshot.vectors(),
                    lastSnapshot.bytes(),
                    lastSnapshot.offsets(),
                    (System.nanoTime() - started) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            snapshotFailures.incrementAndGet();
            changesSinceSnapshot = 0;
            LOG.error("snapshot of FAISS failed; retrying after the next interval", e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Snapshots taken by this instance. */
    public long snapshotsTaken() {
        return snapshotsTaken.get();
    }

    /** Snapshots that failed (logged with their cause). */
    public long snapshotFailures() {
        return snapshotFailures.get();
    }

    /** The newest snapshot this instance committed, if any. */
    public Optional<SnapshotManifest> lastSnapshot() {
        return Optional.ofNullable(lastSnapshot);
    }

    /** True if FAISS was loaded from a snapshot at start (rather than rebuilt from every vector). */
    public boolean startedFromSnapshot() {
        return loaded != null && loaded.fromSnapshot();
    }

    /** Vector changes replayed over the snapshot at start (0 when rebuilt). */
    public long replayedChangesAtStart() {
        return loaded == null ? 0 : loaded.replayedChanges();
    }

    /** Vectors re-added at start because no snapshot was usable (0 when loaded from a snapshot). */
    public long rebuiltVectorsAtStart() {
        return loaded == null ? 0 : loaded.rebuiltVectors();
    }

    /** Called with the write lock held, after the store batch is written. */
    private void applyToFaiss(FaissChanges changes, IndexStore.Batch batch) {
        if (changes.isEmpty()) {
            return;
        }
        if (vectors == null) {
            if (!changes.hasUpserts()) {
                return;
            }
            EmbeddingSpec spec = batch.embeddingSpec()
                    .orElseThrow(() -> new IllegalStateException("vectors upserted before the space was fixed"));
            vectors = VectorIndexes.create(
                    spec.dimension(),
                    options.faissFactory(),
                    Metric.INNER_PRODUCT,
                    options.trainSize(),
                    options.device());
        }
        changes.applyTo(vectors);
    }

    private void sendDeadLetters(List<ProducerRecord<byte[], byte[]>> rejected) throws InterruptedException {
        if (rejected.isEmpty()) {
            return;
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>(rejected.size());
        for (ProducerRecord<byte[], byte[]> record : rejected) {
            sent.add(deadLetters.send(record));
        }
        deadLetters.flush();
        for (Future<RecordMetadata> future : sent) {
            try {
                future.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot write to " + Topics.DEAD_LETTERS, e.getCause());
            }
        }
    }

    /** Seeks each assigned partition to the store's next offset, or to the beginning if it has none. */
    private final class SeekToStoredOffsets implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            List<TopicPartition> fromStart = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                OptionalLong next = store.nextOffset(partition.topic(), partition.partition());
                if (next.isPresent()) {
                    consumer.seek(partition, next.getAsLong());
                } else {
                    fromStart.add(partition);
                }
            }
            if (!fromStart.isEmpty()) {
                consumer.seekToBeginning(fromStart);
            }
            LOG.info("assigned {}; from the beginning: {}", partitions, fromStart);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            LOG.info("revoked {}", partitions);
        }
    }

    @Override
    public long size() {
        return read(v -> v == null ? 0L : v.size());
    }

    /** The vector length of this index, once the first vector fixed it. */
    public Optional<EmbeddingSpec> embeddingSpec() {
        return read(v -> store.embeddingSpec());
    }

    @Override
    public List<SearchHit> search(float[] query, int k) {
        return search(query, k, SearchFilter.NONE);
    }

    /**
     * Filtered search, in two steps: FAISS is asked for {@value #FILTER_OVERFETCH} times {@code k}
     * neighbours and those passing the filter are kept; if fewer
     * than {@code k} pass and the index holds more than were fetched, the filter is very selective and the
     * answer comes from an exact scan of the stored vectors that pass it instead. Either way the hits pass
     * the filter; the scan is exact and costs a pass over the store.
     */
    @Override
    public List<SearchHit> search(float[] query, int k, SearchFilter filter) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        return read(v -> {
            if (v == null) {
                return List.of();
            }
            if (query.length != v.dimension()) {
                throw new IllegalArgumentException(
                        "query has " + query.length + " floats, the index holds dimension " + v.dimension());
            }
            if (filter.isEmpty()) {
                return hits(v.search(query, k).get(0), SearchFilter.NONE, k);
            }
            int fetch = (int) Math.min(v.size(), (long) k * FILTER_OVERFETCH);
            List<SearchHit> passing = hits(v.search(query, Math.max(1, fetch)).get(0), filter, k);
            if (passing.size() >= k || fetch >= v.size()) {
                return passing;
            }
            filteredScans.incrementAndGet();
            return exactFilteredScan(query, k, filter);
        });
    }

    /** How many filtered searches fell back to an exact scan of the store. */
    public long filteredScans() {
        return filteredScans.get();
    }

    private List<SearchHit> hits(Neighbors neighbors, SearchFilter filter, int k) {
        List<SearchHit> hits = new ArrayList<>(Math.min(k, neighbors.size()));
        for (int rank = 0; rank < neighbors.size() && hits.size() < k; rank++) {
            long numericId = neighbors.id(rank);
            String imageId = store.imageId(numericId)
                    .orElseThrow(() -> new CorruptStoreException("FAISS id " + numericId + " has no image id"));
            ImageMeta meta = store.meta(imageId).orElse(ImageMeta.EMPTY);
            if (filter.matches(meta.metadataJson(), meta.source(), meta.ingestTimeMillis())) {
                hits.add(new SearchHit(imageId, neighbors.score(rank), meta.metadataJson()));
            }
        }
        return hits;
    }

    private List<SearchHit> exactFilteredScan(float[] query, int k, SearchFilter filter) {
        java.util.PriorityQueue<SearchHit> best =
                new java.util.PriorityQueue<>(java.util.Comparator.comparingDouble(SearchHit::score));
        store.forEachVector((imageId, numericId, vector) -> {
            ImageMeta meta = store.meta(imageId).orElse(ImageMeta.EMPTY);
            if (!filter.matches(meta.metadataJson(), meta.source(), meta.ingestTimeMillis())) {
                return;
            }
            float score = 0;
            for (int i = 0; i < vector.length; i++) {
                score += query[i] * vector[i];
            }
            if (best.size() < k) {
                best.add(new SearchHit(imageId, score, meta.metadataJson()));
            } else if (score > best.peek().score()) {
                best.poll();
                best.add(new SearchHit(imageId, score, meta.metadataJson()));
            }
        });
        List<SearchHit> hits = new ArrayList<>(best);
        hits.sort(java.util.Comparator.comparingDouble(SearchHit::score).reversed());
        return hits;
    }

    @Override
    public Optional<StoredImage> get(String id) {
        return read(v -> store.get(id));
    }

    /** Records polled and applied (or dead-lettered) so far by this instance. */
    public long processedRecords() {
        return processed.get();
    }

    /** Records sent to the dead-letter topic so far by this instance. */
    public long deadLetteredRecords() {
        return deadLettered.get();
    }

    /** The error that stopped the poll loop, if it stopped on its own. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** True while the poll loop runs. */
    public boolean isRunning() {
        return thread.isAlive();
    }

    private <T> T read(Function<VectorIndex, T> action) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("index worker is closed");
            }
            return action.apply(vectors);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Stops consuming and releases everything, in this order: the poll loop (its thread closes the
     * consumer), the dead-letter producer, FAISS, the store. Idempotent; searches after it throw
     * {@link IllegalStateException}.
     */
    @Override
    public synchronized void close() {
        if (!running && !thread.isAlive() && closed) {
            return;
        }
        running = false;
        consumer.wakeup();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        try {
            deadLetters.close(Duration.ofSeconds(10));
            if (!closed && changesSinceSnapshot > 0) {
                takeSnapshot(); // a clean shutdown leaves a snapshot, so the next start is quick
            }
        } finally {
            lock.writeLock().lock();
            try {
                if (!closed) {
                    closed = true;
                    try {
                        if (vectors != null) {
                            vectors.close();
                        }
                    } finally {
                        store.close();
                    }
                }
            } finally {
                lock.writeLock().unlock();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
