package io.dinostream.embedder.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compares decoding and preprocessing with the PIL/torchvision oracle in
 * {@code shared/fixtures/dinov2/preprocess}. The transform is checked on the oracle's own decoded
 * pixels, so a JPEG decoder difference cannot hide (or excuse) a resize difference.
 */
class PreprocessorFixtureTest {
    /** Largest per-channel difference accepted between ImageIO's and libjpeg-turbo's JPEG decoding. */
    static final int JPEG_DECODE_TOLERANCE = 1;

    static Path dir;
    static Safetensors oracle;
    final ImageDecoder decoder = new ImageDecoder();
    final Preprocessor preprocessor = new Preprocessor(224);

    @BeforeAll
    static void load() throws IOException {
        Path root = Fixtures.dinov2().orElse(null);
        Assumptions.assumeTrue(root != null, "DINOv2 fixtures not found (set -Ddinostream.fixtures.dinov2)");
        dir = root.resolve("preprocess");
        oracle = Safetensors.read(dir.resolve("preprocess.safetensors"));
    }

    private static String stem(String file) {
        return file.substring(0, file.lastIndexOf('.'));
    }

    private RgbImage oracleImage(String name) {
        Safetensors.Tensor t = oracle.get(name);
        return new RgbImage((int) t.shape()[1], (int) t.shape()[0], t.u8());
    }

    record Diff(int max, int count) {}

    static Diff diff(byte[] a, byte[] b) {
        assertEquals(a.length, b.length, "array lengths");
        int max = 0;
        int count = 0;
        for (int i = 0; i < a.length; i++) {
            int d = Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
            if (d > 0) {
                count++;
                max = Math.max(max, d);
            }
        }
        return new Diff(max, count);
    }

    @ParameterizedTest
    @ValueSource(strings = {"img0_ladybird.jpg", "img1_yellowflower_gray_portrait.png", "img2_arc_rgba.png"})
    void decodedPixelsMatchPil(String file) throws IOException {
        RgbImage decoded = decoder.decode(Files.readAllBytes(dir.resolve(file)));
        RgbImage expected = oracleImage(stem(file) + ".decoded_rgb_u8");
        assertEquals(expected.width(), decoded.width(), "width");
        assertEquals(expected.height(), decoded.height(), "height");
        Diff d = diff(expected.rgb(), decoded.rgb());
        System.out.printf(
                "decode %s: max diff %d, %d of %d values differ%n", file, d.max(), d.count(), decoded.rgb().length);
        if (file.endsWith(".png")) {
            assertEquals(0, d.count(), "PNG decoding must be exact");
        } else {
            assertTrue(d.max() <= JPEG_DECODE_TOLERANCE, "JPEG decode max diff " + d.max());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"img0_ladybird", "img1_yellowflower_gray_portrait", "img2_arc_rgba"})
    void resizeOfOracleDecodeIsBitExact(String stem) {
        RgbImage resized = preprocessor.resize(oracleImage(stem + ".decoded_rgb_u8"));
        RgbImage expected = oracleImage(stem + ".resized_rgb_u8");
        assertEquals(expected.width(), resized.width(), "width");
        assertEquals(expected.height(), resized.height(), "height");
        Diff d = diff(expected.rgb(), resized.rgb());
        System.out.printf(
                "resize %s (oracle decode): max diff %d, %d of %d values differ%n",
                stem, d.max(), d.count(), resized.rgb().length);
        assertEquals(0, d.count(), "resized pixels must be bit-exact, max diff " + d.max());
    }

    @ParameterizedTest
    @ValueSource(strings = {"img0_ladybird.jpg", "img1_yellowflower_gray_portrait.png", "img2_arc_rgba.png"})
    void endToEndResizeFromOwnDecode(String file) throws IOException {
        RgbImage resized = preprocessor.resize(decoder.decode(Files.readAllBytes(dir.resolve(file))));
        Diff d = diff(oracleImage(stem(file) + ".resized_rgb_u8").rgb(), resized.rgb());
        System.out.printf(
                "resize %s (own decode): max diff %d, %d of %d values differ%n",
                file, d.max(), d.count(), resized.rgb().length);
        assertTrue(d.max() <= (file.endsWith(".png") ? 0 : JPEG_DECODE_TOLERANCE), "max diff " + d.max());
    }

    @ParameterizedTest
    @ValueSource(strings = {"img0_ladybird", "img1_yellowflower_gray_portrait", "img2_arc_rgba"})
    void normalizedTensorMatches(String stem) {
        float[] actual = preprocessor.preprocess(oracleImage(stem + ".decoded_rgb_u8"));
        float[] expected = oracle.get(stem + ".normalized").f32();
        assertEquals(expected.length, actual.length, "tensor length");
        double max = 0;
        for (int i = 0; i < actual.length; i++) {
            max = Math.max(max, Math.abs(actual[i] - expected[i]));
        }
        System.out.printf("normalized %s: max abs diff %.3g%n", stem, max);
        assertTrue(max <= 1e-5, "max abs diff " + max);
    }

    @ParameterizedTest
    @ValueSource(strings = {"img0_ladybird", "img1_yellowflower_gray_portrait", "img2_arc_rgba"})
    void resizeAndCropEqualsCropOfFullResize(String stem) {
        RgbImage decoded = oracleImage(stem + ".decoded_rgb_u8");
        RgbImage full = preprocessor.resize(decoded);
        RgbImage window = preprocessor.resizeAndCrop(decoded);
        int left = Preprocessor.cropOffset(full.width(), 224);
        int top = Preprocessor.cropOffset(full.height(), 224);
        byte[] cropped = new byte[224 * 224 * 3];
        for (int y = 0; y < 224; y++) {
            System.arraycopy(full.rgb(), ((top + y) * full.width() + left) * 3, cropped, y * 224 * 3, 224 * 3);
        }
        assertArrayEquals(cropped, window.rgb());
    }
}
