package io.dinostream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dinostream.trainer.train.LossLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (what systemd, Docker and {@code kill} send; Ctrl-C takes the same path) stops {@code dinostream
 * train} after the step in progress with a checkpoint at that step: no finished step is lost, and the JVM
 * exits without a native crash.
 */
class TrainSigtermTest {
    @Test
    void sigtermCheckpointsTheStepInProgress(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        Path log = dir.resolve("train.log");
        List<String> command = ServeProcess.dinostreamCommand("train");
        command.addAll(List.of(
                "--preset",
                "fmnist-vit-tiny",
                "--out",
                run.toString(),
                "--epochs",
                "100",
                "--batch-size",
                "16",
                "--images-per-epoch",
                "64",
                "--eval-data",
                "none"));
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Path losses = run.resolve("losses.csv");
        // An epoch is 4 steps: wait for 6, so the stop falls after the first epoch's checkpoint, mid-epoch.
        Await.until("6 training steps", java.time.Duration.ofMinutes(3), () -> lines(losses) > 6);
        process.destroy(); // SIGTERM
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "the trainer did not exit after SIGTERM");
        String output = Files.readString(log);
        assertTrue(output.contains("stopping the run: finishing the current step"), output);
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> crashes = files.filter(p -> p.getFileName().toString().startsWith("hs_err"))
                    .toList();
            assertEquals(List.of(), crashes, "the JVM crashed on exit: " + output);
        }
        long steps = LossLog.read(losses).size();
        long checkpointed = new ObjectMapper()
                .readTree(run.resolve("checkpoint/state.json").toFile())
                .get("iteration")
                .asLong();
        assertEquals(steps, checkpointed, "every step in losses.csv is in the checkpoint: " + output);
        assertTrue(checkpointed >= 6 && checkpointed < 400, "stopped at " + checkpointed);
        assertTrue(output.contains("stopped after " + checkpointed + " iterations"), output);
    }

    /** Lines written so far (header included); 0 before the file exists. */
    private static long lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
