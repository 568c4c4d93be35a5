package io.dinostream.common.wire;

/** A record that does not follow the wire format it claims. */
public class WireFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WireFormatException(String message) {
        super(message);
    }
}
