package io.dinostream.common.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImageFormatTest {
    @Test
    void sniffsByMagicBytes() {
        assertEquals(
                Optional.of(ImageFormat.PNG),
                ImageFormat.sniff(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}));
        assertEquals(
                Optional.of(ImageFormat.JPEG),
                ImageFormat.sniff(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0}));
        assertEquals(Optional.of(ImageFormat.GIF), ImageFormat.sniff("GIF89a".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Optional.empty(), ImageFormat.sniff("hello".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Optional.empty(), ImageFormat.sniff(new byte[0]));
    }

    @Test
    void describesUnsupportedFormats() {
        assertTrue(ImageFormat.describe("<svg xmlns='x'/>".getBytes(StandardCharsets.UTF_8))
                .startsWith("SVG"));
        assertTrue(ImageFormat.describe("RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1))
                .startsWith("WebP"));
        assertEquals("empty input", ImageFormat.describe(new byte[0]));
    }

    @Test
    void matchesExtensions() {
        assertEquals(Optional.of(ImageFormat.JPEG), ImageFormat.byFileName("a/B.JPEG"));
        assertEquals(Optional.empty(), ImageFormat.byFileName("notes.txt"));
    }
}
