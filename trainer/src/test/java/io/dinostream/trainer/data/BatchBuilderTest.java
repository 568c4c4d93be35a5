package io.dinostream.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.trainer.config.TrainConfig;
import io.dinostream.trainer.masking.BatchMasks;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BatchBuilderTest {
    private static ImageDataset data;

    @BeforeAll
    static void load() throws IOException {
        data = FashionMnistImages.load("test");
    }

    /** Patch 4 on 28 pixels: 49 patches per global crop; batch 8. */
    private static TrainConfig config(int distillIbotPatches) {
        TrainConfig p4 = TrainConfig.fmnistVitTinyP4();
        return p4.withLoss(p4.loss().withDistillIbotPatches(distillIbotPatches))
                .withRun(2, 8, 64)
                .withSeed(3);
    }

    @Test
    void distillationComparesEveryPatchByDefault() {
        BatchMasks masks = new BatchBuilder(data, config(0), true).batch(0).masks();
        assertEquals(16, masks.masks().length);
        assertEquals(16 * 49, masks.maskedPatches());
        for (float w : masks.weights()) {
            assertEquals(1f / 49, w);
        }
    }

    @Test
    void distillationCanCompareARandomSubsetOfEachCrop() {
        BatchBuilder batches = new BatchBuilder(data, config(12), true);
        BatchMasks first = batches.batch(0).masks();
        assertEquals(16 * 12, first.maskedPatches());
        Set<String> patterns = new HashSet<>();
        for (boolean[] crop : first.masks()) {
            assertEquals(12, selected(crop));
            patterns.add(java.util.Arrays.toString(crop));
        }
        for (float w : first.weights()) {
            assertEquals(1f / 12, w);
        }
        // Drawn per crop, so the crops do not share one pattern (16 equal draws of 12 of 49: impossible in practice).
        assertTrue(patterns.size() > 1, "every crop compared the same patches");
        // The draw is part of the batch's seed: the same iteration gives the same patches (exact resume),
        // another iteration others.
        assertArrayEquals(first.maskedIndices(), batches.batch(0).masks().maskedIndices());
        assertFalse(java.util.Arrays.equals(
                first.maskedIndices(), batches.batch(1).masks().maskedIndices()));
        // Self-supervised batches ignore the setting: iBOT masking decides, and leaves half the crops whole.
        BatchMasks ssl = new BatchBuilder(data, config(12), false).batch(0).masks();
        int whole = 0;
        for (boolean[] crop : ssl.masks()) {
            whole += selected(crop) == 0 ? 1 : 0;
        }
        assertEquals(8, whole);
    }

    private static int selected(boolean[] crop) {
        int count = 0;
        for (boolean s : crop) {
            count += s ? 1 : 0;
        }
        return count;
    }

    @Test
    void aNegativeCountIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> config(-1));
    }
}
