package io.dinostream.api.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Requests per second per caller (an API key, or the address of an anonymous caller), as token buckets:
 * each holds up to two seconds' worth of requests and refills continuously, so short bursts pass and a
 * sustained excess is refused. Thread-safe; a limit of 0 or less turns it off.
 */
public final class RateLimiter {
    private final double perSecond;
    private final double capacity;
    private final LongSupplier nanoClock;
    /** Above this many callers, buckets that have refilled completely (idle callers) are dropped. */
    static final int MAX_TRACKED_CALLERS = 10_000;

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(double perSecond) {
        this(perSecond, System::nanoTime);
    }

    RateLimiter(double perSecond, LongSupplier nanoClock) {
        this.perSecond = perSecond;
        this.capacity = Math.max(1, 2 * perSecond);
        this.nanoClock = nanoClock;
    }

    /** True if {@code caller} may make a request now (and counts it). */
    public boolean tryAcquire(String caller) {
        if (perSecond <= 0) {
            return true;
        }
        long now = nanoClock.getAsLong();
        if (buckets.size() > MAX_TRACKED_CALLERS) {
            // Many distinct anonymous addresses must not grow memory without bound: a full bucket
            // is the same as no bucket.
            buckets.values().removeIf(bucket -> bucket.isFull(perSecond, capacity, now));
        }
        return buckets.computeIfAbsent(caller, c -> new Bucket(capacity, now)).tryTake(perSecond, capacity, now);
    }

    /** Callers tracked now (for tests of the clean-up). */
    int trackedCallers() {
        return buckets.size();
    }

    /** Seconds until one more request would pass, for {@code Retry-After}. */
    public long retryAfterSeconds() {
        return perSecond <= 0 ? 0 : (long) Math.max(1, Math.ceil(1 / perSecond));
    }

    private static final class Bucket {
        private double tokens;
        private long lastNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.lastNanos = now;
        }

        synchronized boolean isFull(double perSecond, double capacity, long now) {
            return tokens + (now - lastNanos) / 1e9 * perSecond >= capacity;
        }

        synchronized boolean tryTake(double perSecond, double capacity, long now) {
            tokens = Math.min(capacity, tokens + (now - lastNanos) / 1e9 * perSecond);
            lastNanos = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }
}
