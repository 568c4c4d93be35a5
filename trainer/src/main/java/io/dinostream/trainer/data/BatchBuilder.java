package io.dinostream.trainer.data;

import io.dinostream.trainer.augment.MultiCrop;
import io.dinostream.trainer.config.TrainConfig;
import io.dinostream.trainer.masking.BatchMasks;
import io.dinostream.trainer.masking.BlockMasking;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Builds the batches of a run, each a pure function of (seed, iteration): the data order of an epoch
 * comes from (seed, epoch), an image's crops from (seed, iteration, position) and the masks from (seed,
 * iteration). That is what makes a resumed run repeat the uninterrupted one exactly, and lets the
 * images of a batch be augmented in parallel.
 */
public final class BatchBuilder {
    private final ImageDataset data;
    private final TrainConfig config;
    private final MultiCrop multiCrop;
    private final BlockMasking masking;
    private final int imagesPerEpoch;
    private int[] cachedOrder;
    private int cachedEpoch = -1;

    private final boolean wholeCrops;

    public BatchBuilder(ImageDataset data, TrainConfig config) {
        this(data, config, false);
    }

    /**
     * @param wholeCrops distillation: every patch of every global crop is selected for iBOT, and none is
     *     hidden from the student
     */
    public BatchBuilder(ImageDataset data, TrainConfig config, boolean wholeCrops) {
        this.wholeCrops = wholeCrops;
        this.data = data;
        this.config = config;
        TrainConfig.CropSpec c = config.crops();
        this.multiCrop = new MultiCrop(
                c.globalSize(),
                c.localSize(),
                c.localCrops(),
                new double[] {c.globalScaleMin(), c.globalScaleMax()},
                new double[] {c.localScaleMin(), c.localScaleMax()});
        int grid = c.globalSize() / config.model().patchSize();
        this.masking = BlockMasking.forGrid(grid, grid);
        int wanted = config.optim().imagesPerEpoch();
        this.imagesPerEpoch = wanted <= 0 ? data.size() : Math.min(wanted, data.size());
        if (imagesPerEpoch < config.optim().batchSize()) {
            throw new IllegalArgumentException(
                    "the dataset has " + imagesPerEpoch + " images per epoch, fewer than the batch size "
                            + config.optim().batchSize());
        }
    }

    /** Whole batches per epoch (the remainder is dropped, as the reference's infinite sampler). */
    public int iterationsPerEpoch() {
        return imagesPerEpoch / config.optim().batchSize();
    }

    public long totalIterations() {
        return (long) iterationsPerEpoch() * config.optim().epochs();
    }

    /** The batch of global iteration {@code iteration}. */
    public SslBatch batch(long iteration) {
        int perEpoch = iterationsPerEpoch();
        int epoch = (int) (iteration / perEpoch);
        int offset = (int) (iteration % perEpoch) * config.optim().batchSize();
        int[] order = order(epoch);
        int b = config.optim().batchSize();
        TrainConfig.CropSpec c = config.crops();
        int globalFloats = 3 * c.globalSize() * c.globalSize();
        int localFloats = 3 * c.localSize() * c.localSize();
        float[] global = new float[2 * b * globalFloats];
        float[] local = new float[c.localCrops() * b * localFloats];
        long seed = config.seed();
        IntStream.range(0, b).parallel().forEach(i -> {
            Random random = new Random(mix(seed, iteration, i));
            MultiCrop.Crops crops = multiCrop.apply(data.image(order[offset + i]), random);
            for (int g = 0; g < 2; g++) {
                System.arraycopy(crops.global().get(g), 0, global, (g * b + i) * globalFloats, globalFloats);
            }
            for (int l = 0; l < c.localCrops(); l++) {
                System.arraycopy(crops.local().get(l), 0, local, (l * b + i) * localFloats, localFloats);
            }
        });
        TrainConfig.LossSpec loss = config.loss();
        BatchMasks masks = wholeCrops
                ? distillationPatches(2 * b, loss.distillIbotPatches(), new Random(mix(seed, iteration, -1)))
                : BatchMasks.draw(
                        2 * b,
                        masking,
                        loss.maskRatioMin(),
                        loss.maskRatioMax(),
                        loss.maskProbability(),
                        new Random(mix(seed, iteration, -1)));
        return new SslBatch(b, global, c.globalSize(), local, c.localCrops(), c.localSize(), masks);
    }

    /**
     * The patches distillation's iBOT loss compares: every patch of every global crop, or {@code perCrop}
     * of them drawn at random in each crop (nothing is hidden from the student either way).
     */
    private BatchMasks distillationPatches(int crops, int perCrop, Random random) {
        int patches = masking.patches();
        boolean[][] selected = new boolean[crops][patches];
        for (boolean[] row : selected) {
            if (perCrop == 0 || perCrop >= patches) {
                java.util.Arrays.fill(row, true);
            } else {
                // A partial Fisher-Yates shuffle: the first perCrop positions are a uniform sample.
                int[] positions = IntStream.range(0, patches).toArray();
                for (int i = 0; i < perCrop; i++) {
                    int j = i + random.nextInt(patches - i);
                    int t = positions[i];
                    positions[i] = positions[j];
                    positions[j] = t;
                    row[positions[i]] = true;
                }
            }
        }
        return BatchMasks.of(selected);
    }

    /** The epoch's order of the first {@code imagesPerEpoch} of a seeded permutation of the dataset. */
    synchronized int[] order(int epoch) {
        if (cachedEpoch != epoch) {
            int[] order = IntStream.range(0, data.size()).toArray();
            Random random = new Random(mix(config.seed(), epoch, -2));
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            cachedOrder = order;
            cachedEpoch = epoch;
        }
        return cachedOrder;
    }

    /** A well-spread seed from three numbers (SplitMix64's finaliser). */
    static long mix(long seed, long a, long b) {
        long z = seed * 0x9E3779B97F4A7C15L + a * 0xBF58476D1CE4E5B9L + b * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
