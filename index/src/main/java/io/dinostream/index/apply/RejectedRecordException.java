package io.dinostream.index.apply;

/**
 * A record the index cannot apply because of its content (bad key, malformed vector or headers, another
 * embedding space). The worker sends it to the dead-letter topic and goes on; any other exception stops
 * the worker.
 */
public class RejectedRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    public RejectedRecordException(String message) {
        super(message);
    }

    public RejectedRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
