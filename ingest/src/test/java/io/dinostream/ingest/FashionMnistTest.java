package io.dinostream.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Reads Debian's dataset-fashion-mnist package (installed by the launcher's set-up). */
class FashionMnistTest {
    @Test
    void testSplitHasTenThousandLabelledImagesThatRoundTripThroughPng() throws Exception {
        FashionMnist test = FashionMnist.load(FashionMnist.DEFAULT_DIR, "test");
        assertEquals(10_000, test.size());
        int[] perClass = new int[10];
        for (int i = 0; i < test.size(); i++) {
            perClass[test.label(i)]++;
        }
        for (int count : perClass) {
            assertEquals(1_000, count, "the test split is balanced: 1,000 images per class");
        }
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(test.png(42)));
        assertEquals(28, decoded.getWidth());
        assertEquals(28, decoded.getHeight());
        byte[] raw = test.pixels(42);
        byte[] roundTripped = new byte[28 * 28];
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                // The raster, not getRGB: getRGB would apply a gray-to-sRGB colour conversion.
                roundTripped[y * 28 + x] = (byte) decoded.getRaster().getSample(x, y, 0);
            }
        }
        assertArrayEquals(raw, roundTripped);
        ImageSubmission submission = test.candidates(100).get(42).load(1 << 20);
        assertEquals("fashion-mnist-test-00042", submission.id());
        assertTrue(submission.metadataJson().contains("\"label\":" + test.label(42)), submission.metadataJson());
    }
}
