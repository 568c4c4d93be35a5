package io.dinostream.embedder.streams;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of the embedder role, shared by its tasks; read from any thread. */
public final class EmbedderMetrics {
    final AtomicLong embedded = new AtomicLong();
    final AtomicLong deletes = new AtomicLong();
    final AtomicLong deadLettered = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong batchedImages = new AtomicLong();
    private final AtomicLong embedNanos = new AtomicLong();

    void recordBatch(int images, long nanos) {
        batches.incrementAndGet();
        batchedImages.addAndGet(images);
        embedNanos.addAndGet(nanos);
    }

    /** Images embedded and forwarded. */
    public long embedded() {
        return embedded.get();
    }

    /** Deletes forwarded. */
    public long deletes() {
        return deletes.get();
    }

    /** Records sent to the dead-letter topic. */
    public long deadLettered() {
        return deadLettered.get();
    }

    /** Model calls retried after a failure. */
    public long retries() {
        return retries.get();
    }

    /** Micro-batches embedded. */
    public long batches() {
        return batches.get();
    }

    /** Mean images per micro-batch, 0 before the first. */
    public double meanBatchSize() {
        long n = batches.get();
        return n == 0 ? 0 : batchedImages.get() / (double) n;
    }

    /** Total time spent in the model, seconds. */
    public double embedSeconds() {
        return embedNanos.get() / 1e9;
    }
}
