package io.dinostream.embedder.streams;

/** A record on the images topic whose key is missing or not a valid image id; it is dead-lettered. */
public final class InvalidImageIdException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidImageIdException(String message) {
        super(message);
    }
}
