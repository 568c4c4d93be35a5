package io.dinostream.trainer.augment;

import io.dinostream.embedder.image.PilBicubic;
import io.dinostream.embedder.image.RgbImage;
import java.util.Random;

/**
 * torchvision's {@code RandomResizedCrop(size, scale, ratio=(3/4, 4/3), interpolation=BICUBIC)}: a crop of
 * random area (a fraction in {@code scale} of the image) and aspect ratio (log-uniform in 3/4..4/3), ten
 * tries, else the largest centred crop within the ratio range; resized to {@code size x size} with PIL's
 * bicubic filter.
 */
public final class RandomResizedCrop implements Augmentation {
    private static final double LOG_MIN_RATIO = Math.log(3.0 / 4);
    private static final double LOG_MAX_RATIO = Math.log(4.0 / 3);

    private final int size;
    private final double minScale;
    private final double maxScale;

    public RandomResizedCrop(int size, double minScale, double maxScale) {
        if (size < 1 || minScale <= 0 || maxScale > 1 || minScale > maxScale) {
            throw new IllegalArgumentException("invalid crop: size " + size + ", scale " + minScale + ".." + maxScale);
        }
        this.size = size;
        this.minScale = minScale;
        this.maxScale = maxScale;
    }

    /** {@code {top, left, height, width}} of the crop. */
    int[] window(int height, int width, Random random) {
        double area = (double) height * width;
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (minScale + (maxScale - minScale) * random.nextDouble());
            double ratio = Math.exp(LOG_MIN_RATIO + (LOG_MAX_RATIO - LOG_MIN_RATIO) * random.nextDouble());
            int w = (int) Math.round(Math.sqrt(target * ratio));
            int h = (int) Math.round(Math.sqrt(target / ratio));
            if (w > 0 && h > 0 && w <= width && h <= height) {
                return new int[] {random.nextInt(height - h + 1), random.nextInt(width - w + 1), h, w};
            }
        }
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < 3.0 / 4) {
            w = width;
            h = (int) Math.round(w / (3.0 / 4));
        } else if (inRatio > 4.0 / 3) {
            h = height;
            w = (int) Math.round(h * (4.0 / 3));
        } else {
            w = width;
            h = height;
        }
        return new int[] {(height - h) / 2, (width - w) / 2, h, w};
    }

    @Override
    public RgbImage apply(RgbImage image, Random random) {
        int[] box = window(image.height(), image.width(), random);
        return PilBicubic.resize(crop(image, box[0], box[1], box[2], box[3]), size, size);
    }

    static RgbImage crop(RgbImage image, int top, int left, int height, int width) {
        byte[] out = new byte[height * width * 3];
        for (int y = 0; y < height; y++) {
            System.arraycopy(image.rgb(), ((top + y) * image.width() + left) * 3, out, y * width * 3, width * 3);
        }
        return new RgbImage(width, height, out);
    }
}
