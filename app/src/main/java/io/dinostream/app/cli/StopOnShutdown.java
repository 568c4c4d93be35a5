package io.dinostream.app.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGTERM or Ctrl-C during a long job into an orderly stop: a shutdown hook asks the job to stop
 * and holds the JVM's exit until the job has returned (or {@code grace} has passed). Without it the JVM
 * exits under a training step still running in native code, which can crash in libtorch's teardown and
 * loses the steps since the last checkpoint. Closing it marks the job as returned and removes the hook.
 */
final class StopOnShutdown implements AutoCloseable {
    private final CountDownLatch returned = new CountDownLatch(1);
    private final Thread hook;

    /**
     * @param what names the job in the message printed when the stop begins
     * @param stop asks the job to stop; it must return at once (the job stops on its own thread)
     */
    StopOnShutdown(String what, Runnable stop, Duration grace) {
        hook = new Thread(
                () -> {
                    System.err.printf(
                            "%nstopping %s: finishing the current step and writing a checkpoint (run the same"
                                    + " command again to resume)%n",
                            what);
                    stop.run();
                    try {
                        if (!returned.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                            System.err.println(what + " did not stop within " + grace + "; exiting anyway");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "dinostream-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
        returned.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is already exiting and this hook is what waits for us: it returns now that the job has.
        }
    }
}
