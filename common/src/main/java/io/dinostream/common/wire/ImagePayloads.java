package io.dinostream.common.wire;

import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * The image bytes of an images-topic record: the value itself, or, when the header {@value
 * Headers#CONTENT_TRANSFER_ENCODING} says {@code base64}, the value decoded from base64 text (standard
 * alphabet; line breaks and blanks are ignored, any other stray character is an error). This lets text-only clients, such as Kafka's console producer, publish
 * images.
 */
public final class ImagePayloads {
    private ImagePayloads() {}

    /**
     * @param value a non-null record value
     * @throws WireFormatException if the encoding is unknown or the value is not valid base64
     */
    public static byte[] bytes(byte[] value, org.apache.kafka.common.header.Headers headers) {
        Optional<String> encoding = Headers.lastString(headers, Headers.CONTENT_TRANSFER_ENCODING);
        if (encoding.isEmpty()) {
            return value;
        }
        String name = encoding.get().trim().toLowerCase(Locale.ROOT);
        if (name.equals("binary") || name.isEmpty()) {
            return value;
        }
        if (!name.equals("base64")) {
            throw new WireFormatException("header '" + Headers.CONTENT_TRANSFER_ENCODING + "' is '" + encoding.get()
                    + "'; supported: base64, binary");
        }
        try {
            return Base64.getDecoder().decode(withoutWhitespace(value));
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("value is not valid base64: " + e.getMessage());
        }
    }

    /** The base64 text without line breaks and blanks; any other stray character stays and fails. */
    private static byte[] withoutWhitespace(byte[] text) {
        byte[] out = new byte[text.length];
        int n = 0;
        for (byte b : text) {
            if (b != '\r' && b != '\n' && b != ' ' && b != '\t') {
                out[n++] = b;
            }
        }
        return n == text.length ? text : java.util.Arrays.copyOf(out, n);
    }
}
