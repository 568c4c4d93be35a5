package io.dinostream.ingest;

/** An image that was not published because it would be rejected downstream; the message says why. */
public class RejectedImageException extends Exception {
    private static final long serialVersionUID = 1L;

    public RejectedImageException(String message) {
        super(message);
    }
}
