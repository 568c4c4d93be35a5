package io.dinostream.trainer.masking;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The iBOT masks of one batch of global crops, as {@code collate_data_and_cast} builds them: a share
 * ({@code maskProbability}) of the crops is masked, crop i of those with a ratio drawn uniformly from the
 * i-th of equal slices of {@code [minRatio, maxRatio]} (so the batch covers the whole range); the rest are
 * left whole; then the order is shuffled. Also the flat indices of masked patches and each one's weight,
 * {@code 1 / (masked patches of its crop)}, which the iBOT loss uses.
 *
 * @param masks {@code [crops][patches]}
 * @param maskedIndices flat indices ({@code crop * patches + patch}) of every masked patch, in order
 * @param weights one per masked index
 */
public record BatchMasks(boolean[][] masks, long[] maskedIndices, float[] weights) {
    public static BatchMasks draw(
            int crops, BlockMasking masking, double minRatio, double maxRatio, double maskProbability, Random random) {
        if (minRatio < 0 || maxRatio > 1 || minRatio > maxRatio || maskProbability < 0 || maskProbability > 1) {
            throw new IllegalArgumentException(
                    "invalid mask ratio [" + minRatio + ", " + maxRatio + "] or probability " + maskProbability);
        }
        int patches = masking.patches();
        int masked = (int) (crops * maskProbability);
        List<boolean[]> list = new ArrayList<>(crops);
        for (int i = 0; i < masked; i++) {
            double low = minRatio + (maxRatio - minRatio) * i / masked;
            double high = minRatio + (maxRatio - minRatio) * (i + 1) / masked;
            double ratio = low + (high - low) * random.nextDouble();
            list.add(masking.mask((int) (patches * ratio), random));
        }
        for (int i = masked; i < crops; i++) {
            list.add(new boolean[patches]);
        }
        Collections.shuffle(list, random);
        return of(list.toArray(new boolean[0][]));
    }

    /** The masked indices and weights of given masks. */
    public static BatchMasks of(boolean[][] masks) {
        int count = 0;
        for (boolean[] mask : masks) {
            for (boolean m : mask) {
                count += m ? 1 : 0;
            }
        }
        long[] indices = new long[count];
        float[] weights = new float[count];
        int next = 0;
        for (int c = 0; c < masks.length; c++) {
            int inCrop = 0;
            for (boolean m : masks[c]) {
                inCrop += m ? 1 : 0;
            }
            for (int p = 0; p < masks[c].length; p++) {
                if (masks[c][p]) {
                    indices[next] = (long) c * masks[c].length + p;
                    weights[next] = 1f / Math.max(1, inCrop);
                    next++;
                }
            }
        }
        return new BatchMasks(masks, indices, weights);
    }

    /** The number of masked patches over the batch. */
    public int maskedPatches() {
        return maskedIndices.length;
    }
}
