package io.dinostream.index.store;

/** A RocksDB operation of the index store failed; the message names the operation and the directory. */
public class IndexStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IndexStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
