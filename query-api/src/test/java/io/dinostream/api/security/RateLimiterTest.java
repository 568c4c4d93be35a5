package io.dinostream.api.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    @Test
    void burstsOfTwiceTheRateThenTheRate() {
        AtomicLong now = new AtomicLong();
        RateLimiter limiter = new RateLimiter(10, now::get);
        int passed = 0;
        for (int i = 0; i < 50; i++) {
            if (limiter.tryAcquire("a")) {
                passed++;
            }
        }
        assertEquals(20, passed, "a burst of two seconds' worth");
        now.addAndGet(500_000_000L); // half a second refills five
        for (int i = 0; i < 5; i++) {
            assertTrue(limiter.tryAcquire("a"));
        }
        assertFalse(limiter.tryAcquire("a"));
        assertTrue(limiter.tryAcquire("b"), "each caller has its own bucket");
        assertTrue(new RateLimiter(0).tryAcquire("x"), "0 turns the limit off");
    }

    @Test
    void idleCallersAreForgottenWhenThereAreMany() {
        AtomicLong now = new AtomicLong();
        RateLimiter limiter = new RateLimiter(1, now::get);
        for (int i = 0; i <= RateLimiter.MAX_TRACKED_CALLERS; i++) {
            limiter.tryAcquire("address:" + i);
        }
        now.addAndGet(10_000_000_000L); // all have refilled
        limiter.tryAcquire("one-more");
        assertTrue(limiter.trackedCallers() < 10, "idle buckets dropped: " + limiter.trackedCallers());
    }
}
