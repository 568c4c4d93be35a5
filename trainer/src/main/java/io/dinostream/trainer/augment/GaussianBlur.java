package io.dinostream.trainer.augment;

import io.dinostream.embedder.image.RgbImage;
import java.util.Random;

/**
 * torchvision's {@code GaussianBlur(kernel_size=9, sigma=(0.1, 2.0))} as DINOv2 configures it: sigma
 * drawn uniformly per image, a separable 9-tap Gaussian with reflect padding, rounded back to 8 bits.
 */
public final class GaussianBlur implements Augmentation {
    static final int KERNEL = 9;

    private final double minSigma;
    private final double maxSigma;

    public GaussianBlur(double minSigma, double maxSigma) {
        this.minSigma = minSigma;
        this.maxSigma = maxSigma;
    }

    @Override
    public RgbImage apply(RgbImage image, Random random) {
        return blur(image, minSigma + (maxSigma - minSigma) * random.nextDouble());
    }

    static double[] kernel(double sigma) {
        double[] k = new double[KERNEL];
        double sum = 0;
        for (int i = 0; i < KERNEL; i++) {
            double x = i - KERNEL / 2;
            k[i] = Math.exp(-0.5 * (x / sigma) * (x / sigma));
            sum += k[i];
        }
        for (int i = 0; i < KERNEL; i++) {
            k[i] /= sum;
        }
        return k;
    }

    /** Reflect padding (no edge repeat): index -1 is 1, n is n - 2. */
    static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int m = Math.floorMod(i, period);
        return m < n ? m : period - m;
    }

    static RgbImage blur(RgbImage image, double sigma) {
        int w = image.width();
        int h = image.height();
        double[] k = kernel(sigma);
        byte[] in = image.rgb();
        double[] rows = new double[in.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    double s = 0;
                    for (int t = 0; t < KERNEL; t++) {
                        s += k[t] * (in[(y * w + reflect(x + t - KERNEL / 2, w)) * 3 + c] & 0xFF);
                    }
                    rows[(y * w + x) * 3 + c] = s;
                }
            }
        }
        byte[] out = new byte[in.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    double s = 0;
                    for (int t = 0; t < KERNEL; t++) {
                        s += k[t] * rows[(reflect(y + t - KERNEL / 2, h) * w + x) * 3 + c];
                    }
                    out[(y * w + x) * 3 + c] = (byte) Math.max(0, Math.min(255, Math.round(s)));
                }
            }
        }
        return new RgbImage(w, h, out);
    }
}
