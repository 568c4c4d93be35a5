package io.dinostream.index.streams;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free histogram of latencies in milliseconds, for percentiles: buckets grow by about 10% from
 * 1 ms (so a percentile is within 10% of the truth) up to about 12 days; larger values land in the last
 * bucket. Thread-safe; {@link #percentile} reads a consistent-enough snapshot for monitoring.
 */
public final class LatencyHistogram {
    private static final double GROWTH = 1.1;
    private static final int BUCKETS = 256;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    /** Records one latency; negative values (clock skew between machines) count as 0. */
    public void record(long millis) {
        counts.incrementAndGet(bucket(Math.max(0, millis)));
    }

    static int bucket(long millis) {
        if (millis < 1) {
            return 0;
        }
        int b = 1 + (int) Math.floor(Math.log(millis) / Math.log(GROWTH));
        return Math.min(BUCKETS - 1, b);
    }

    /** The upper bound of a bucket, in milliseconds. */
    static long upperBound(int bucket) {
        return bucket == 0 ? 0 : (long) Math.ceil(Math.pow(GROWTH, bucket));
    }

    /** Number of latencies recorded. */
    public long count() {
        long n = 0;
        for (int i = 0; i < BUCKETS; i++) {
            n += counts.get(i);
        }
        return n;
    }

    /**
     * The latency below which a fraction {@code p} of the recorded ones fall (an upper bound within 10%),
     * or -1 when nothing was recorded.
     */
    public long percentile(double p) {
        if (p <= 0 || p > 1) {
            throw new IllegalArgumentException("p must be in (0, 1], got " + p);
        }
        long total = count();
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(p * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return upperBound(i);
            }
        }
        return upperBound(BUCKETS - 1);
    }
}
