package io.dinostream.app;

import io.dinostream.app.cli.BenchCommand;
import io.dinostream.app.cli.BrokerCommand;
import io.dinostream.app.cli.Command;
import io.dinostream.app.cli.CurateCommand;
import io.dinostream.app.cli.DemoCommand;
import io.dinostream.app.cli.DistillCommand;
import io.dinostream.app.cli.EvalCommand;
import io.dinostream.app.cli.IndexCommand;
import io.dinostream.app.cli.IngestCommand;
import io.dinostream.app.cli.ModelCommand;
import io.dinostream.app.cli.RetrainCommand;
import io.dinostream.app.cli.SearchCommand;
import io.dinostream.app.cli.ServeCommand;
import io.dinostream.app.cli.TrainCommand;
import io.dinostream.app.cli.UsageException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of the {@code dinostream} launcher. */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {}

    /** The subcommands, in the order {@code --help} lists them. */
    static Map<String, Command> commands() {
        Map<String, Command> commands = new LinkedHashMap<>();
        for (Command command : List.of(
                new DemoCommand(),
                new BrokerCommand(),
                new ServeCommand(),
                new IngestCommand(),
                new SearchCommand(),
                new ModelCommand(),
                new IndexCommand(),
                new TrainCommand(),
                new DistillCommand(),
                new EvalCommand(),
                new CurateCommand(),
                new RetrainCommand(),
                new BenchCommand())) {
            commands.put(command.name(), command);
        }
        return commands;
    }

    public static void main(String[] args) {
        System.exit(run(List.of(args)));
    }

    /** Runs the launcher and returns its exit code (used by tests instead of {@link #main}). */
    public static int run(List<String> args) {
        Map<String, Command> commands = commands();
        if (args.isEmpty()
                || args.get(0).equals("--help")
                || args.get(0).equals("-h")
                || args.get(0).equals("help")) {
            System.out.print(usage(commands));
            return args.isEmpty() ? 2 : 0;
        }
        Command command = commands.get(args.get(0));
        if (command == null) {
            System.err.println("unknown command '" + args.get(0) + "'\n");
            System.err.print(usage(commands));
            return 2;
        }
        List<String> rest = new ArrayList<>(args.subList(1, args.size()));
        if (rest.contains("--help") || rest.contains("-h")) {
            System.out.print(command.help());
            return 0;
        }
        try {
            return command.run(rest);
        } catch (UsageException | ConfigException e) {
            System.err.println("dinostream " + command.name() + ": " + e.getMessage());
            System.err.println("see 'dinostream " + command.name() + " --help'");
            return 2;
        } catch (Exception e) {
            LOG.error("dinostream {} failed", command.name(), e);
            System.err.println("dinostream " + command.name() + " failed: " + e);
            return 1;
        }
    }

    private static String usage(Map<String, Command> commands) {
        StringBuilder usage = new StringBuilder(
                """
                dinostream: image similarity search on Kafka, DINOv2 and FAISS.

                usage: dinostream <command> [options]     (dinostream <command> --help for details)

                commands:
                """);
        for (Command command : commands.values()) {
            usage.append(String.format("  %-8s %s%n", command.name(), command.summary()));
        }
        usage.append("  test     (launcher script only) run every test: ./dinostream test\n");
        return usage.toString();
    }
}
