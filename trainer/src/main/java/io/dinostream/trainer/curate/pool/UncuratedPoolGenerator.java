package io.dinostream.trainer.curate.pool;

import io.dinostream.embedder.image.RgbImage;
import io.dinostream.trainer.curate.SeededPermutation;
import io.dinostream.trainer.data.ImageDataset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Builds an uncurated pool from a labelled dataset, with known ground truth:
 *
 * <ul>
 *   <li><b>class imbalance</b>: class {@code c} (in a seeded order) gets a share proportional to {@code
 *       imbalance^(-rank / (classes - 1))}, so the largest class is {@code imbalance} times the smallest;
 *   <li><b>duplicates</b>: a share of the originals gets one to three copies each: exact, mirrored, slightly
 *       cropped (85-95% of each side, resized back), with Gaussian noise (6-12 gray levels) or re-encoded as
 *       JPEG (quality 0.5-0.8);
 *   <li><b>junk</b>: off-domain images, in equal parts random noise, rendered text and random shapes.
 * </ul>
 *
 * <p>The pool is shuffled, so copies are not next to their originals. The same options and seed give the
 * same pool.
 */
public final class UncuratedPoolGenerator {
    /**
     * @param originals how many dataset images the pool starts from (before copies and junk)
     * @param imbalance largest class size / smallest class size, at least 1
     * @param duplicatedShare share of the originals that get copies
     * @param junkShare junk images per original
     * @param seed every random choice
     */
    public record Options(int originals, double imbalance, double duplicatedShare, double junkShare, long seed) {
        public Options {
            if (originals < 1 || imbalance < 1 || duplicatedShare < 0 || duplicatedShare > 1 || junkShare < 0) {
                throw new IllegalArgumentException("bad pool options " + this);
            }
        }

        /** 20,000 originals, imbalance 20, 10% duplicated, 5% junk. */
        public static Options defaults(long seed) {
            return new Options(20_000, 20, 0.10, 0.05, seed);
        }
    }

    private UncuratedPoolGenerator() {}

    public static UncuratedPool generate(ImageDataset dataset, Options options) {
        Random random = new Random(options.seed());
        int[] originals = imbalancedSample(dataset, options, random);
        int width = dataset.image(0).width();
        int height = dataset.image(0).height();

        List<RgbImage> images = new ArrayList<>();
        List<PoolItemKind> kinds = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<Integer> groups = new ArrayList<>(); // index of the original in this unshuffled list
        List<Integer> sources = new ArrayList<>();
        for (int source : originals) {
            add(
                    images,
                    kinds,
                    labels,
                    groups,
                    sources,
                    dataset.image(source),
                    PoolItemKind.ORIGINAL,
                    dataset.label(source),
                    images.size(),
                    source);
        }
        PoolItemKind[] copyKinds = PoolItemKind.duplicateKinds();
        int duplicated = (int) Math.round(originals.length * options.duplicatedShare());
        int[] order = SeededPermutation.of(originals.length, random);
        for (int d = 0; d < duplicated; d++) {
            int original = order[d];
            for (int c = 0, copies = 1 + random.nextInt(3); c < copies; c++) {
                PoolItemKind kind = copyKinds[random.nextInt(copyKinds.length)];
                RgbImage copy = NearCopies.make(images.get(original), kind, random);
                add(
                        images,
                        kinds,
                        labels,
                        groups,
                        sources,
                        copy,
                        kind,
                        labels.get(original),
                        original,
                        sources.get(original));
            }
        }
        PoolItemKind[] junkKinds = PoolItemKind.junkKinds();
        int junk = (int) Math.round(originals.length * options.junkShare());
        for (int j = 0; j < junk; j++) {
            PoolItemKind kind = junkKinds[j % junkKinds.length];
            add(images, kinds, labels, groups, sources, JunkImages.make(kind, width, height, random), kind, -1, -1, -1);
        }
        return shuffled(images, kinds, labels, groups, sources, random, dataset.describe(), options);
    }

    /** The originals: a seeded shuffle of the dataset, taking each class up to its imbalanced quota. */
    static int[] imbalancedSample(ImageDataset dataset, Options options, Random random) {
        int classes = 0;
        for (int i = 0; i < dataset.size(); i++) {
            classes = Math.max(classes, dataset.label(i) + 1);
        }
        if (classes == 0) {
            throw new IllegalArgumentException(dataset.describe() + " has no labels; the pool needs them");
        }
        int[] rankOfClass = SeededPermutation.of(classes, random);
        double[] weight = new double[classes];
        double total = 0;
        for (int c = 0; c < classes; c++) {
            weight[c] = Math.pow(options.imbalance(), -rankOfClass[c] / (double) Math.max(1, classes - 1));
            total += weight[c];
        }
        int[] quota = new int[classes];
        for (int c = 0; c < classes; c++) {
            quota[c] = (int) Math.round(options.originals() * weight[c] / total);
        }
        int[] order = SeededPermutation.of(dataset.size(), random);
        int[] taken = new int[classes];
        int[] out = new int[Arrays.stream(quota).sum()];
        int n = 0;
        for (int index : order) {
            int label = dataset.label(index);
            if (label >= 0 && taken[label] < quota[label]) {
                taken[label]++;
                out[n++] = index;
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static void add(
            List<RgbImage> images,
            List<PoolItemKind> kinds,
            List<Integer> labels,
            List<Integer> groups,
            List<Integer> sources,
            RgbImage image,
            PoolItemKind kind,
            int label,
            int group,
            int source) {
        images.add(image);
        kinds.add(kind);
        labels.add(label);
        groups.add(group);
        sources.add(source);
    }

    private static UncuratedPool shuffled(
            List<RgbImage> images,
            List<PoolItemKind> kinds,
            List<Integer> labels,
            List<Integer> groups,
            List<Integer> sources,
            Random random,
            String from,
            Options options) {
        int n = images.size();
        int[] order = SeededPermutation.of(n, random); // pool position -> unshuffled index
        int[] position = new int[n];
        for (int p = 0; p < n; p++) {
            position[order[p]] = p;
        }
        RgbImage[] outImages = new RgbImage[n];
        PoolItemKind[] outKinds = new PoolItemKind[n];
        int[] outLabels = new int[n];
        int[] outGroups = new int[n];
        int[] outSources = new int[n];
        for (int p = 0; p < n; p++) {
            int i = order[p];
            outImages[p] = images.get(i);
            outKinds[p] = kinds.get(i);
            outLabels[p] = labels.get(i);
            outGroups[p] = groups.get(i) < 0 ? -1 : position[groups.get(i)];
            outSources[p] = sources.get(i);
        }
        String description = "uncurated pool from " + from + " (" + n + " images: " + options + ")";
        return new UncuratedPool(outImages, new PoolTruth(outKinds, outLabels, outGroups, outSources), description);
    }
}
