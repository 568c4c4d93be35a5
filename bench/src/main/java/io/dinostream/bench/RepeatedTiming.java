package io.dinostream.bench;

/**
 * Times an action by repeating it until both a minimum number of runs and a minimum wall time are
 * reached; one run of a fast action is too short to time.
 */
final class RepeatedTiming {
    /** One run of the measured work. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    private RepeatedTiming() {}

    /** Runs per second of {@code action}, over at least {@code minRuns} runs and {@code minSeconds}. */
    static double runsPerSecond(int minRuns, double minSeconds, Action action) throws Exception {
        long start = System.nanoTime();
        int runs = 0;
        double elapsed;
        do {
            action.run();
            runs++;
            elapsed = (System.nanoTime() - start) / 1e9;
        } while (elapsed < minSeconds || runs < minRuns);
        return runs / elapsed;
    }
}
