package io.dinostream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.common.wire.ImageFormat;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImageValidatorTest {
    private static final byte[] PNG_HEADER = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0};
    private final ImageValidator validator = new ImageValidator(100);

    @Test
    void acceptsASupportedImage() throws Exception {
        assertEquals(ImageFormat.PNG, validator.validate(new ImageSubmission("a", PNG_HEADER, "a.png", "{}")));
    }

    @Test
    void rejectionsSayWhy() {
        assertTrue(reject(new ImageSubmission("a/b", PNG_HEADER, "x", "{}")).contains("invalid image id"));
        assertTrue(reject(new ImageSubmission("a", new byte[0], "x", "{}")).contains("empty"));
        assertTrue(reject(new ImageSubmission("a", new byte[101], "x", "{}")).contains("over the limit of 100 bytes"));
        String svg = reject(new ImageSubmission("a", "<svg/>".getBytes(StandardCharsets.UTF_8), "x.svg", "{}"));
        assertTrue(svg.contains("SVG"), svg);
    }

    private String reject(ImageSubmission submission) {
        return assertThrows(RejectedImageException.class, () -> validator.validate(submission))
                .getMessage();
    }
}
