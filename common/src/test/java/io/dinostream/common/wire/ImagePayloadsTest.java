package io.dinostream.common.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class ImagePayloadsTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 1, 2, (byte) 0xFF};

    private static RecordHeaders encoding(String value) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Headers.CONTENT_TRANSFER_ENCODING, value.getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    @Test
    void rawBytesPassThrough() {
        assertSame(PNG, ImagePayloads.bytes(PNG, new RecordHeaders()));
        assertSame(PNG, ImagePayloads.bytes(PNG, encoding("binary")));
    }

    @Test
    void base64IsDecodedWithLineBreaksAllowed() {
        byte[] text = Base64.getMimeEncoder(4, "\r\n".getBytes(StandardCharsets.US_ASCII))
                .encode(PNG);
        assertArrayEquals(PNG, ImagePayloads.bytes(text, encoding(" Base64 ")));
    }

    @Test
    void invalidBase64AndUnknownEncodingsAreRejectedWithTheReason() {
        WireFormatException bad = assertThrows(
                WireFormatException.class,
                () -> ImagePayloads.bytes("not*base64!".getBytes(StandardCharsets.US_ASCII), encoding("base64")));
        assertTrue(bad.getMessage().contains("not valid base64"), bad.getMessage());
        WireFormatException unknown =
                assertThrows(WireFormatException.class, () -> ImagePayloads.bytes(PNG, encoding("gzip")));
        assertTrue(unknown.getMessage().contains("gzip"), unknown.getMessage());
    }
}
