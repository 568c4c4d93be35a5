package io.dinostream.app.cli;

/** Wrong arguments: the launcher prints the message and the command's help, and exits with 2. */
public class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
