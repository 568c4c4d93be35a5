package io.dinostream.trainer.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.dinostream.embedder.image.RgbImage;
import io.dinostream.embedder.model.DinoVisionTransformer;
import io.dinostream.trainer.augment.MultiCrop;
import io.dinostream.trainer.data.ImageDataset;

/**
 * Features for evaluation, as DINO's k-NN and linear evaluations take them: the backbone's normalised
 * CLS token of each whole image at its own size (no crop), or the raw pixels for the baseline.
 */
public final class FeatureExtractor {
    private static final int BATCH = 500;

    private FeatureExtractor() {}

    /** CLS features of the first {@code limit} images, in inference mode. */
    public static Features backbone(DinoVisionTransformer backbone, NDManager manager, ImageDataset data, int limit) {
        int n = Math.min(limit, data.size());
        float[][] out = new float[n][];
        int[] labels = new int[n];
        ParameterStore ps = new ParameterStore(manager, false);
        for (int start = 0; start < n; start += BATCH) {
            int count = Math.min(BATCH, n - start);
            RgbImage first = data.image(start);
            int w = first.width();
            int h = first.height();
            float[] pixels = new float[count * 3 * w * h];
            for (int i = 0; i < count; i++) {
                float[] chw = MultiCrop.normalise(data.image(start + i));
                System.arraycopy(chw, 0, pixels, i * chw.length, chw.length);
                labels[start + i] = data.label(start + i);
            }
            try (NDScope scope = new NDScope()) {
                NDArray x = manager.create(pixels, new Shape(count, 3, h, w));
                float[] cls =
                        backbone.forwardFeatures(ps, x, null, false).clsToken().toFloatArray();
                int d = cls.length / count;
                for (int i = 0; i < count; i++) {
                    float[] v = new float[d];
                    System.arraycopy(cls, i * d, v, 0, d);
                    Features.normalise(v);
                    out[start + i] = v;
                }
            }
        }
        return new Features(out, labels);
    }

    /** The raw-pixel baseline: every image's pixel values (0-1, first channel), normalised. */
    public static Features pixels(ImageDataset data, int limit) {
        int n = Math.min(limit, data.size());
        float[][] out = new float[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            RgbImage image = data.image(i);
            byte[] rgb = image.rgb();
            float[] v = new float[image.width() * image.height()];
            for (int p = 0; p < v.length; p++) {
                v[p] = (rgb[3 * p] & 0xFF) / 255f;
            }
            Features.normalise(v);
            out[i] = v;
            labels[i] = data.label(i);
        }
        return new Features(out, labels);
    }
}
