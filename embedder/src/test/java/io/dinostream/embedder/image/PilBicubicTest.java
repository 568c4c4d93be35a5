package io.dinostream.embedder.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PilBicubicTest {
    static RgbImage random(Random random, int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        random.nextBytes(rgb);
        return new RgbImage(w, h, rgb);
    }

    @Test
    void kernelValues() {
        assertEquals(1.0, PilBicubic.filter(0.0));
        assertEquals(0.0, PilBicubic.filter(1.0), 0.0); // may be -0.0, as in C
        assertEquals(0.0, PilBicubic.filter(2.0), 0.0);
        // a = -0.5: at 0.5, (1.5*0.5 - 2.5)*0.25 + 1 = 0.5625; at 1.5, ((1.5-5)*1.5+8)*1.5-4)*-0.5 = -0.0625
        assertEquals(0.5625, PilBicubic.filter(0.5));
        assertEquals(-0.0625, PilBicubic.filter(-1.5));
    }

    @Test
    void upscaleKeepsSupportTwoAndDownscaleWidensIt() {
        assertEquals(5, PilBicubic.coefficients(28, 256).ksize()); // ceil(2)*2+1
        assertEquals(
                2 * (int) Math.ceil(2.0 * 512 / 256) + 1,
                PilBicubic.coefficients(512, 256).ksize());
    }

    @Test
    void fixedPointWeightsSumToOneWithinRounding() {
        for (int[] sizes : new int[][] {{28, 256}, {512, 409}, {320, 256}, {7, 3}, {1, 5}}) {
            PilBicubic.Coefficients c = PilBicubic.coefficients(sizes[0], sizes[1]);
            for (int i = 0; i < sizes[1]; i++) {
                int sum = 0;
                for (int k = 0; k < c.count()[i]; k++) {
                    sum += c.weights()[i * c.ksize() + k];
                }
                // each weight is rounded to the nearest 2^-22, so the sum is 2^22 +- one unit per tap
                assertEquals(1 << PilBicubic.PRECISION_BITS, sum, c.count()[i], "sizes " + sizes[0] + "->" + sizes[1]);
            }
        }
    }

    @Test
    void sameSizeIsIdentity() {
        RgbImage image = random(new Random(1), 17, 9);
        assertEquals(image, PilBicubic.resize(image, 17, 9));
    }

    @Test
    void constantImageStaysConstant() {
        byte[] rgb = new byte[13 * 7 * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) 200;
            rgb[i + 1] = 17;
            rgb[i + 2] = (byte) 255;
        }
        RgbImage out = PilBicubic.resize(new RgbImage(13, 7, rgb), 40, 5);
        for (int i = 0; i < out.rgb().length; i += 3) {
            assertEquals(200, out.rgb()[i] & 0xFF);
            assertEquals(17, out.rgb()[i + 1] & 0xFF);
            assertEquals(255, out.rgb()[i + 2] & 0xFF);
        }
    }

    @Test
    void windowIsBitIdenticalToCropOfFullResize() {
        Random random = new Random(42);
        int[][] cases = {{28, 28, 256, 256}, {512, 320, 409, 256}, {384, 512, 256, 341}, {31, 90, 64, 20}};
        for (int[] c : cases) {
            RgbImage image = random(random, c[0], c[1]);
            RgbImage full = PilBicubic.resize(image, c[2], c[3]);
            int w = c[2] / 2 + 1;
            int h = c[3] / 3 + 1;
            int left = c[2] - w - 1;
            int top = 1;
            byte[] window = PilBicubic.resizeWindow(image.rgb(), c[0], c[1], 3, c[2], c[3], left, top, w, h);
            byte[] expected = new byte[w * h * 3];
            for (int y = 0; y < h; y++) {
                System.arraycopy(full.rgb(), ((top + y) * c[2] + left) * 3, expected, y * w * 3, w * 3);
            }
            assertArrayEquals(expected, window, "case " + java.util.Arrays.toString(c));
        }
    }

    @Test
    void oneByOneUpscaleIsFlat() {
        RgbImage out = PilBicubic.resize(new RgbImage(1, 1, new byte[] {10, 20, 30}), 3, 2);
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(new byte[] {10, 20, 30}, java.util.Arrays.copyOfRange(out.rgb(), 3 * i, 3 * i + 3));
        }
    }

    @Test
    void rejectsWindowOutsideOutput() {
        byte[] in = new byte[4 * 4 * 3];
        assertThrows(IllegalArgumentException.class, () -> PilBicubic.resizeWindow(in, 4, 4, 3, 8, 8, 4, 0, 5, 8));
        assertThrows(IllegalArgumentException.class, () -> PilBicubic.resizeWindow(in, 4, 4, 3, 0, 8, 0, 0, 1, 1));
    }

    @Test
    void cacheReturnsSameTable() {
        assertSame(PilBicubic.coefficients(99, 37), PilBicubic.coefficients(99, 37));
    }
}
