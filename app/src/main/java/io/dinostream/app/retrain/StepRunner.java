package io.dinostream.app.retrain;

import io.dinostream.app.Main;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one step of the loop as a {@code dinostream} command in a child JVM with this one's class path and
 * options: each step gets a fresh heap and native memory, and a step that crashes cannot take the loop
 * (or the roles of this process) with it. Its output is the step's report, kept in a file.
 */
final class StepRunner {
    private final List<String> configFlags;

    /** @param configFlags the configuration flags every step gets (Kafka, data directory) */
    StepRunner(List<String> configFlags) {
        this.configFlags = List.copyOf(configFlags);
    }

    /**
     * Runs {@code args}, writes everything it printed to {@code log}, and returns it.
     *
     * @throws IOException if the step fails, with the end of its output
     */
    String run(String step, List<String> args, Path log) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib") && !arg.startsWith("-javaagent")) {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(args);
        command.addAll(configFlags);
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        int code = process.waitFor();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (code != 0) {
            throw new IOException(
                    "retrain step " + step + " failed (exit " + code + "), log " + log + ":\n" + tail(output, 3000));
        }
        return output;
    }

    static String tail(String text, int chars) {
        return text.length() <= chars ? text : "..." + text.substring(text.length() - chars);
    }
}
