package io.dinostream.app.cli;

import java.util.List;

/** A subcommand of the launcher. */
public interface Command {
    /** The word that selects it, e.g. {@code demo}. */
    String name();

    /** One line for the command list. */
    String summary();

    /** The full {@code --help} text. */
    String help();

    /**
     * Runs the command.
     *
     * @param args the arguments after the command name
     * @return the process exit code
     */
    int run(List<String> args) throws Exception;
}
