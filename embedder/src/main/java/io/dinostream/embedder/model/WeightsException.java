package io.dinostream.embedder.model;

/**
 * Weights that cannot be used: not a DINOv2 checkpoint, or tensors missing, unexpected or mis-shaped
 * for the architecture. The message names the tensors (in the file's own naming where possible).
 */
public class WeightsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WeightsException(String message) {
        super(message);
    }

    public WeightsException(String message, Throwable cause) {
        super(message, cause);
    }
}
