package io.dinostream.trainer.masking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dinostream.trainer.loss.LossFixtureAccess;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MaskingTest {
    /** The fixtures' masks came from the official collate on a 6x6 grid: our indices and weights of them match. */
    @Test
    void indicesAndWeightsOfTheOfficialMasks() throws Exception {
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                LossFixtureAccess fixtures = new LossFixtureAccess(manager)) {
            NDArray collated = fixtures.input("ibot.collated_masks"); // (8, 36)
            boolean[] flat = collated.toBooleanArray();
            boolean[][] masks = new boolean[8][36];
            for (int c = 0; c < 8; c++) {
                System.arraycopy(flat, c * 36, masks[c], 0, 36);
            }
            BatchMasks batch = BatchMasks.of(masks);
            long[] official = fixtures.input("ibot.mask_indices_list").toLongArray();
            assertArrayEquals(official, batch.maskedIndices());
            assertArrayEquals(fixtures.input("ibot.masks_weight").toFloatArray(), batch.weights(), 1e-7f);
            assertEquals(fixtures.input("ibot.n_masked_patches").toLongArray()[0], batch.maskedPatches());
            // The official batch has the shape our draw gives: half the crops masked, the others whole.
            int maskedCrops = 0;
            for (boolean[] mask : masks) {
                maskedCrops += count(mask) > 0 ? 1 : 0;
            }
            assertEquals(4, maskedCrops);
        }
    }

    @Test
    void blocksNeverOvershootTheTargetAndReachItMostly() {
        BlockMasking masking = BlockMasking.forGrid(6, 6);
        Random random = new Random(5);
        int reached = 0;
        for (int trial = 0; trial < 2_000; trial++) {
            int target = random.nextInt(19);
            int count = count(masking.mask(target, random));
            assertTrue(count <= target, count + " > " + target);
            reached += count >= target - 3 ? 1 : 0;
        }
        assertTrue(reached > 1_800, "most masks come within 3 of their target: " + reached);
    }

    @Test
    void aBatchMasksHalfItsCropsOverTheRatioRange() {
        BlockMasking masking = BlockMasking.forGrid(14, 14);
        Random random = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            BatchMasks batch = BatchMasks.draw(16, masking, 0.1, 0.5, 0.5, random);
            int masked = 0;
            for (boolean[] mask : batch.masks()) {
                int n = count(mask);
                assertTrue(n <= 0.5 * 196, "at most the top ratio: " + n);
                masked += n > 0 ? 1 : 0;
            }
            assertTrue(masked <= 8, "half the crops at most: " + masked);
            // Per crop the weights sum to 1; overall to the number of masked crops.
            double total = 0;
            for (float w : batch.weights()) {
                total += w;
            }
            assertEquals(masked, total, 1e-4);
        }
    }

    @Test
    void sameSeedSameMasks() {
        BlockMasking masking = BlockMasking.forGrid(4, 4);
        BatchMasks a = BatchMasks.draw(8, masking, 0.1, 0.5, 0.5, new Random(3));
        BatchMasks b = BatchMasks.draw(8, masking, 0.1, 0.5, 0.5, new Random(3));
        assertArrayEquals(a.maskedIndices(), b.maskedIndices());
    }

    private static int count(boolean[] mask) {
        int n = 0;
        for (boolean m : mask) {
            n += m ? 1 : 0;
        }
        return n;
    }
}
