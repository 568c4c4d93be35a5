package io.dinostream.trainer.augment;

import io.dinostream.embedder.image.RgbImage;
import java.util.Random;

/**
 * torchvision's {@code ColorJitter(brightness, contrast, saturation, hue)} on a PIL image: the four
 * adjustments in a random order, each with a factor drawn uniformly from {@code [1 - x, 1 + x]} (hue from
 * {@code [-hue, hue]}). Brightness blends with black, contrast with the mean gray level, saturation with
 * the grayscale image (PIL's {@code ImageEnhance}); hue rotates the HSV hue. DINOv2 uses
 * {@code (0.4, 0.4, 0.2, 0.1)}, applied with probability 0.8.
 */
public final class ColorJitter implements Augmentation {
    private final double brightness;
    private final double contrast;
    private final double saturation;
    private final double hue;

    public ColorJitter(double brightness, double contrast, double saturation, double hue) {
        if (brightness < 0 || contrast < 0 || saturation < 0 || hue < 0 || hue > 0.5) {
            throw new IllegalArgumentException("invalid colour jitter");
        }
        this.brightness = brightness;
        this.contrast = contrast;
        this.saturation = saturation;
        this.hue = hue;
    }

    @Override
    public RgbImage apply(RgbImage image, Random random) {
        int[] order = {0, 1, 2, 3};
        for (int i = 3; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        RgbImage out = image;
        for (int step : order) {
            out = switch (step) {
                case 0 -> brightness == 0 ? out : brightness(out, factor(brightness, random));
                case 1 -> contrast == 0 ? out : contrast(out, factor(contrast, random));
                case 2 -> saturation == 0 ? out : saturation(out, factor(saturation, random));
                default -> hue == 0 ? out : hue(out, -hue + 2 * hue * random.nextDouble());
            };
        }
        return out;
    }

    private static double factor(double amount, Random random) {
        double low = Math.max(0, 1 - amount);
        return low + (1 + amount - low) * random.nextDouble();
    }

    /** {@code degenerate + f (image - degenerate)}, clipped and rounded. */
    private static RgbImage blend(RgbImage image, byte[] degenerate, double f) {
        byte[] in = image.rgb();
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            double d = degenerate == null ? 0 : degenerate[i] & 0xFF;
            long v = Math.round(d + f * ((in[i] & 0xFF) - d));
            out[i] = (byte) Math.max(0, Math.min(255, v));
        }
        return new RgbImage(image.width(), image.height(), out);
    }

    static RgbImage brightness(RgbImage image, double f) {
        return blend(image, null, f);
    }

    static RgbImage contrast(RgbImage image, double f) {
        byte[] in = image.rgb();
        long sum = 0;
        for (int i = 0; i < in.length; i += 3) {
            sum += Grayscale.luma(in[i] & 0xFF, in[i + 1] & 0xFF, in[i + 2] & 0xFF);
        }
        byte mean = (byte) (int) (sum / (double) (in.length / 3) + 0.5);
        byte[] degenerate = new byte[in.length];
        java.util.Arrays.fill(degenerate, mean);
        return blend(image, degenerate, f);
    }

    static RgbImage saturation(RgbImage image, double f) {
        return blend(image, new Grayscale().apply(image, null).rgb(), f);
    }

    /** Rotates the hue by {@code shift} turns (in [-0.5, 0.5]). */
    static RgbImage hue(RgbImage image, double shift) {
        byte[] in = image.rgb();
        byte[] out = new byte[in.length];
        float[] hsv = new float[3];
        for (int i = 0; i < in.length; i += 3) {
            java.awt.Color.RGBtoHSB(in[i] & 0xFF, in[i + 1] & 0xFF, in[i + 2] & 0xFF, hsv);
            float h = (float) (hsv[0] + shift);
            h -= (float) Math.floor(h);
            int rgb = java.awt.Color.HSBtoRGB(h, hsv[1], hsv[2]);
            out[i] = (byte) (rgb >> 16);
            out[i + 1] = (byte) (rgb >> 8);
            out[i + 2] = (byte) rgb;
        }
        return new RgbImage(image.width(), image.height(), out);
    }
}
