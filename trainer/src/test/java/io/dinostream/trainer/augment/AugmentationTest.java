package io.dinostream.trainer.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.embedder.image.RgbImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AugmentationTest {
    private static RgbImage noise(int width, int height, long seed) {
        byte[] rgb = new byte[width * height * 3];
        new Random(seed).nextBytes(rgb);
        return new RgbImage(width, height, rgb);
    }

    private static RgbImage solid(int width, int height, int r, int g, int b) {
        byte[] rgb = new byte[width * height * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) r;
            rgb[i + 1] = (byte) g;
            rgb[i + 2] = (byte) b;
        }
        return new RgbImage(width, height, rgb);
    }

    @Test
    void randomResizedCropsCoverTheirScaleAndAreResized() {
        RandomResizedCrop crop = new RandomResizedCrop(12, 0.05, 0.32);
        Random random = new Random(1);
        for (int i = 0; i < 500; i++) {
            int[] box = crop.window(28, 28, random);
            assertTrue(box[0] >= 0 && box[1] >= 0 && box[0] + box[2] <= 28 && box[1] + box[3] <= 28);
            double area = box[2] * box[3] / (28.0 * 28);
            assertTrue(area > 0.02 && area < 0.40, "area " + area); // scale 0.05..0.32 up to rounding
        }
        RgbImage out = crop.apply(noise(28, 28, 2), new Random(3));
        assertEquals(12, out.width());
        assertEquals(12, out.height());
    }

    @Test
    void flipMirrorsAndTwiceIsIdentity() {
        RgbImage image = noise(5, 3, 4);
        RgbImage flipped = new HorizontalFlip().apply(image, null);
        assertEquals(image.get(0, 1, 2), flipped.get(4, 1, 2));
        assertArrayEquals(image.rgb(), new HorizontalFlip().apply(flipped, null).rgb());
    }

    @Test
    void grayscaleIsPilLuma() {
        RgbImage gray = new Grayscale().apply(solid(2, 2, 255, 0, 0), null);
        assertEquals(76, gray.get(1, 1, 0)); // PIL: Image.new("RGB", (1, 1), (255, 0, 0)).convert("L") == 76
        assertEquals(76, gray.get(1, 1, 2));
    }

    @Test
    void solariseInvertsFromTheThresholdUp() {
        RgbImage out = new Solarize(128).apply(solid(1, 1, 200, 100, 128), null);
        assertEquals(55, out.get(0, 0, 0));
        assertEquals(100, out.get(0, 0, 1));
        assertEquals(127, out.get(0, 0, 2));
    }

    @Test
    void colourJitterAdjustments() {
        RgbImage image = noise(8, 8, 5);
        assertArrayEquals(new byte[8 * 8 * 3], ColorJitter.brightness(image, 0).rgb());
        assertArrayEquals(image.rgb(), ColorJitter.brightness(image, 1).rgb());
        RgbImage flat = ColorJitter.contrast(image, 0);
        assertEquals(flat.get(0, 0, 0), flat.get(7, 7, 2));
        assertArrayEquals(
                new Grayscale().apply(image, null).rgb(),
                ColorJitter.saturation(image, 0).rgb());
        RgbImage cyan = ColorJitter.hue(solid(1, 1, 255, 0, 0), 0.5);
        assertEquals(0, cyan.get(0, 0, 0));
        assertEquals(255, cyan.get(0, 0, 1));
        assertEquals(255, cyan.get(0, 0, 2));
        RgbImage jittered = new ColorJitter(0.4, 0.4, 0.2, 0.1).apply(image, new Random(6));
        assertNotEquals(java.util.Arrays.toString(image.rgb()), java.util.Arrays.toString(jittered.rgb()));
    }

    @Test
    void blurKeepsFlatImagesAndSmoothsNoise() {
        double sum = 0;
        for (double k : GaussianBlur.kernel(1.3)) {
            sum += k;
        }
        assertEquals(1.0, sum, 1e-12);
        assertEquals(1, GaussianBlur.reflect(-1, 5));
        assertEquals(3, GaussianBlur.reflect(5, 5));
        RgbImage flat = solid(10, 10, 90, 30, 200);
        assertArrayEquals(flat.rgb(), GaussianBlur.blur(flat, 2.0).rgb());
        RgbImage noisy = noise(20, 20, 7);
        assertTrue(variance(GaussianBlur.blur(noisy, 2.0)) < variance(noisy) / 4);
    }

    @Test
    void multiCropGivesSeededNormalisedCropsOfTheConfiguredSizes() {
        MultiCrop multiCrop = new MultiCrop(14, 7, 4);
        RgbImage image = noise(28, 28, 8);
        MultiCrop.Crops a = multiCrop.apply(image, new Random(9));
        MultiCrop.Crops b = multiCrop.apply(image, new Random(9));
        assertEquals(2, a.global().size());
        assertEquals(4, a.local().size());
        assertEquals(3 * 14 * 14, a.global().get(0).length);
        assertEquals(3 * 7 * 7, a.local().get(3).length);
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(a.global().get(i), b.global().get(i));
        }
        float[] gray = MultiCrop.normalise(solid(1, 1, 124, 116, 104));
        assertEquals(0, gray[0], 0.01); // the ImageNet mean colour normalises to about 0
        assertEquals(0, gray[1], 0.01);
        assertEquals(0, gray[2], 0.01);
    }

    private static double variance(RgbImage image) {
        double sum = 0;
        double squares = 0;
        for (byte b : image.rgb()) {
            int v = b & 0xFF;
            sum += v;
            squares += v * v;
        }
        double n = image.rgb().length;
        return squares / n - (sum / n) * (sum / n);
    }
}
