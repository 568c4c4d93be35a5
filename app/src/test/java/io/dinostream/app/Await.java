package io.dinostream.app;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds, failing with a description after a timeout. */
final class Await {
    private Await() {}

    static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            Thread.onSpinWait();
            Thread.sleep(50); // the polling interval, not a guess at how long the work takes
        }
    }
}
