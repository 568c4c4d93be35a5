package io.dinostream.index.store;

/** The store holds data that does not follow {@link IndexFormat}: a bug or a damaged directory. */
public class CorruptStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CorruptStoreException(String message) {
        super(message);
    }
}
