package io.dinostream.trainer.augment;

import io.dinostream.embedder.image.Preprocessor;
import io.dinostream.embedder.image.RgbImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * DINOv2's {@code DataAugmentationDINO}: two global crops and {@code localCrops} local crops of one image.
 * Every crop: random resized crop, flip (p 0.5), colour jitter (0.4, 0.4, 0.2, 0.1; p 0.8), grayscale
 * (p 0.2); then the first global crop is always blurred, the second blurred with p 0.1 and solarised with
 * p 0.2, the local crops blurred with p 0.5; finally normalised with the ImageNet mean and std into CHW
 * floats, as the embedder's input.
 */
public final class MultiCrop {
    /** The crops of one image, each {@code 3 * size * size} floats, CHW. */
    public record Crops(List<float[]> global, List<float[]> local) {}

    private final int globalSize;
    private final int localSize;
    private final int localCrops;
    private final Augmentation global1;
    private final Augmentation global2;
    private final Augmentation local;

    /**
     * @param globalScale the area range of global crops (reference: 0.32..1.0)
     * @param localScale the area range of local crops (reference: 0.05..0.32)
     */
    public MultiCrop(int globalSize, int localSize, int localCrops, double[] globalScale, double[] localScale) {
        this.globalSize = globalSize;
        this.localSize = localSize;
        this.localCrops = localCrops;
        Augmentation flipAndColour = chain(
                new HorizontalFlip().withProbability(0.5),
                new ColorJitter(0.4, 0.4, 0.2, 0.1).withProbability(0.8),
                new Grayscale().withProbability(0.2));
        this.global1 = chain(
                new RandomResizedCrop(globalSize, globalScale[0], globalScale[1]),
                flipAndColour,
                new GaussianBlur(0.1, 2.0));
        this.global2 = chain(
                new RandomResizedCrop(globalSize, globalScale[0], globalScale[1]),
                flipAndColour,
                new GaussianBlur(0.1, 2.0).withProbability(0.1),
                new Solarize(128).withProbability(0.2));
        this.local = chain(
                new RandomResizedCrop(localSize, localScale[0], localScale[1]),
                flipAndColour,
                new GaussianBlur(0.1, 2.0).withProbability(0.5));
    }

    /** The reference's scales. */
    public MultiCrop(int globalSize, int localSize, int localCrops) {
        this(globalSize, localSize, localCrops, new double[] {0.32, 1.0}, new double[] {0.05, 0.32});
    }

    public Crops apply(RgbImage image, Random random) {
        List<float[]> globals =
                List.of(normalise(global1.apply(image, random)), normalise(global2.apply(image, random)));
        List<float[]> locals = new ArrayList<>(localCrops);
        for (int i = 0; i < localCrops; i++) {
            locals.add(normalise(local.apply(image, random)));
        }
        return new Crops(globals, locals);
    }

    public int globalSize() {
        return globalSize;
    }

    public int localSize() {
        return localSize;
    }

    private static Augmentation chain(Augmentation... steps) {
        return (image, random) -> {
            RgbImage out = image;
            for (Augmentation step : steps) {
                out = step.apply(out, random);
            }
            return out;
        };
    }

    /** {@code (x / 255 - mean) / std} per channel, CHW. */
    public static float[] normalise(RgbImage image) {
        float[] mean = Preprocessor.mean();
        float[] std = Preprocessor.std();
        int plane = image.width() * image.height();
        float[] out = new float[3 * plane];
        byte[] rgb = image.rgb();
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                out[c * plane + p] = ((rgb[p * 3 + c] & 0xFF) / 255f - mean[c]) / std[c];
            }
        }
        return out;
    }
}
