package io.dinostream.embedder.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PreprocessorTest {
    @Test
    void resizedSizeTruncatesLongSide() {
        assertArrayEquals(new int[] {409, 256}, Preprocessor.resizedSize(512, 320, 256)); // 409.6
        assertArrayEquals(new int[] {256, 341}, Preprocessor.resizedSize(384, 512, 256)); // 341.33
        assertArrayEquals(new int[] {456, 256}, Preprocessor.resizedSize(512, 287, 256)); // 456.69
        assertArrayEquals(new int[] {256, 256}, Preprocessor.resizedSize(28, 28, 256));
    }

    @Test
    void cropOffsetRoundsHalfToEven() {
        assertEquals(16, Preprocessor.cropOffset(257, 224)); // 16.5 -> 16
        assertEquals(18, Preprocessor.cropOffset(259, 224)); // 17.5 -> 18
        assertEquals(92, Preprocessor.cropOffset(409, 224)); // 92.5 -> 92
        assertEquals(16, Preprocessor.cropOffset(256, 224));
    }

    @Test
    void resolutionMustBeMultipleOfPatch() {
        assertThrows(IllegalArgumentException.class, () -> new Preprocessor(225));
        assertThrows(IllegalArgumentException.class, () -> new Preprocessor(0));
        assertEquals(256, new Preprocessor(224).resizeShortSide());
        assertEquals(16, new Preprocessor(14).resizeShortSide());
        assertEquals(512, new Preprocessor(448).resizeShortSide());
    }

    @Test
    void otherResolutionsProduceTheirTensorSize() {
        RgbImage image = PilBicubicTest.random(new Random(3), 50, 40);
        Preprocessor p = new Preprocessor(98);
        assertEquals(3 * 98 * 98, p.preprocess(image).length);
        RgbImage crop = p.resizeAndCrop(image);
        assertEquals(98, crop.width());
        assertEquals(98, crop.height());
    }

    @Test
    void normalisationIsTorchvisionFloat32Arithmetic() {
        byte[] rgb = new byte[30 * 20 * 3];
        java.util.Arrays.fill(rgb, (byte) 128);
        float[] out = new Preprocessor(14).preprocess(new RgbImage(30, 20, rgb));
        float x = 128 / 255f;
        assertEquals((x - 0.485f) / 0.229f, out[0]);
        assertEquals((x - 0.456f) / 0.224f, out[14 * 14]);
        assertEquals((x - 0.406f) / 0.225f, out[2 * 14 * 14]);
    }

    @Test
    void grayFastPathEqualsThreeChannelPath() {
        Random random = new Random(7);
        byte[] gray = new byte[28 * 28];
        random.nextBytes(gray);
        byte[] rgb = new byte[28 * 28 * 3];
        for (int i = 0; i < gray.length; i++) {
            rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = gray[i];
        }
        Preprocessor p = new Preprocessor();
        float[] fast = p.preprocess(new RgbImage(28, 28, rgb)); // takes the gray path
        RgbImage crop = p.resizeAndCrop(new RgbImage(28, 28, rgb)); // three-channel resample
        float[] mean = Preprocessor.mean();
        float[] std = Preprocessor.std();
        int plane = 224 * 224;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                float expected = ((crop.rgb()[3 * i + c] & 0xFF) / 255f - mean[c]) / std[c];
                assertEquals(expected, fast[c * plane + i], "pixel " + i + " channel " + c);
            }
        }
    }

    @Test
    void preprocessIntoWritesAtOffsetOnly() {
        Preprocessor p = new Preprocessor(14);
        RgbImage image = PilBicubicTest.random(new Random(5), 20, 20);
        float[] batch = new float[2 * p.tensorSize() + 1];
        p.preprocessInto(image, batch, p.tensorSize());
        for (int i = 0; i < p.tensorSize(); i++) {
            assertEquals(0f, batch[i]);
        }
        assertArrayEquals(p.preprocess(image), java.util.Arrays.copyOfRange(batch, p.tensorSize(), 2 * p.tensorSize()));
        assertThrows(IllegalArgumentException.class, () -> p.preprocessInto(image, batch, p.tensorSize() + 2));
    }

    /**
     * Throughput of the Fashion-MNIST path (28x28 gray -> 256 -> crop 224, normalised), one thread,
     * measured in thread CPU time so that a loaded shared machine does not fail it (wall-clock rate is
     * printed too). The bound is far below the measured rate; the figures are printed for the README.
     */
    @Test
    void fashionMnistSizedImagesAreFast() {
        Random random = new Random(11);
        RgbImage[] images = new RgbImage[64];
        for (int n = 0; n < images.length; n++) {
            byte[] gray = new byte[28 * 28];
            random.nextBytes(gray);
            byte[] rgb = new byte[28 * 28 * 3];
            for (int i = 0; i < gray.length; i++) {
                rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = gray[i];
            }
            images[n] = new RgbImage(28, 28, rgb);
        }
        Preprocessor p = new Preprocessor();
        float[] out = new float[p.tensorSize()];
        for (int i = 0; i < 2000; i++) {
            p.preprocessInto(images[i % images.length], out, 0); // warm-up
        }
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        int n = 5000;
        long start = System.nanoTime();
        long cpuStart = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            p.preprocessInto(images[i % images.length], out, 0);
        }
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = n / cpuSeconds;
        System.out.printf(
                "preprocess 28x28 gray -> 224: %.0f images per CPU-second, %.0f images/s wall (one thread)%n",
                rate, n / seconds);

        // Colour path for comparison.
        RgbImage colour = PilBicubicTest.random(random, 28, 28);
        start = System.nanoTime();
        for (int i = 0; i < 2000; i++) {
            p.preprocessInto(colour, out, 0);
        }
        System.out.printf(
                "preprocess 28x28 RGB -> 224: %.0f images/s (one thread)%n",
                2000 / ((System.nanoTime() - start) / 1e9));
        assertTrue(rate > 300, "only " + rate + " images/s");
    }
}
