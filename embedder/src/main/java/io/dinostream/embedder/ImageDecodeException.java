package io.dinostream.embedder;

/**
 * Bytes that are not an image dinostream can use: unsupported format, corrupt or truncated data, or
 * dimensions over the pixel limit. The message says which, for the dead-letter topic and API errors.
 */
public class ImageDecodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ImageDecodeException(String message) {
        super(message);
    }

    public ImageDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
