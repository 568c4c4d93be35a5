package io.dinostream.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code dinostream serve} process in its own JVM, as an operator runs it on a machine of a cluster:
 * started with the test's class path, its output kept in a log file under its data directory, killed with
 * SIGKILL or stopped with SIGTERM.
 */
final class ServeProcess {
    private final Process process;

    private ServeProcess(Process process) {
        this.process = process;
    }

    /** {@code dinostream COMMAND} in a JVM of its own on the test classpath (1 GB heap, DJL offline). */
    static List<String> dinostreamCommand(String command) {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ArrayList<>(List.of(
                javaBin,
                "-Xmx1g",
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                command));
    }

    /**
     * Starts {@code serve} with {@code args} (roles, ports, data directory and the rest) and waits until it
     * says it is serving.
     */
    static ServeProcess start(Path dataDir, String name, Duration timeout, List<String> args) throws Exception {
        Files.createDirectories(dataDir);
        List<String> command = dinostreamCommand("serve");
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DJL_OFFLINE", "true");
        builder.environment().put("OPT_OUT_TRACKING", "true");
        Process process = builder.start();
        Path log = dataDir.resolve("serve-" + System.nanoTime() + ".log");
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> seen = new ArrayList<>();
        String line;
        while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
            seen.add(line);
            if (line.startsWith("dinostream is serving")) {
                Files.write(log, seen);
                Thread drain = new Thread(
                        () -> {
                            try (var writer = Files.newBufferedWriter(
                                    log, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND)) {
                                String next;
                                while ((next = out.readLine()) != null) {
                                    writer.write(next);
                                    writer.newLine();
                                    writer.flush();
                                }
                            } catch (IOException e) {
                                System.err.println("the log of instance " + name + " ends early: " + e);
                            }
                        },
                        "serve-output-" + name);
                drain.setDaemon(true);
                drain.start();
                return new ServeProcess(process);
            }
        }
        process.destroyForcibly();
        throw new AssertionError("instance " + name + " did not start; output:\n"
                + String.join("\n", seen.subList(Math.max(0, seen.size() - 40), seen.size())));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(); // SIGKILL
    }

    void stop() throws InterruptedException {
        process.destroy(); // SIGTERM: the shutdown hook closes the roles
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
