package io.dinostream.trainer.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Values from the reference formula ({@code np.linspace} warm-up, {@code final + 0.5 (base - final)
 * (1 + cos(pi i / n))}), worked out by hand for small schedules.
 */
class CosineScheduleTest {
    @Test
    void warmupIsLinspaceThenCosineToTheEnd() {
        // total 10, warm-up 3 (0, 0.5, 1.0), then 7 cosine steps from 1.0 towards 0.1.
        CosineSchedule lr = new CosineSchedule(1.0, 0.1, 10, 3, 0.0, 0);
        assertEquals(0.0, lr.at(0), 1e-12);
        assertEquals(0.5, lr.at(1), 1e-12);
        assertEquals(1.0, lr.at(2), 1e-12);
        assertEquals(1.0, lr.at(3), 1e-12); // cosine step 0
        assertEquals(0.1 + 0.45 * (1 + Math.cos(Math.PI * 3 / 7)), lr.at(6), 1e-12);
        assertEquals(0.1 + 0.45 * (1 + Math.cos(Math.PI * 6 / 7)), lr.at(9), 1e-12);
        assertEquals(0.1, lr.at(10), 1e-12);
        assertEquals(0.1, lr.at(1_000), 1e-12);
    }

    @Test
    void frozenIterationsAreZeroThenTheScheduleStarts() {
        CosineSchedule lastLayer = new CosineSchedule(2.0, 0.0, 8, 2, 1.0, 3);
        for (int i = 0; i < 3; i++) {
            assertEquals(0.0, lastLayer.at(i));
        }
        assertEquals(1.0, lastLayer.at(3), 1e-12);
        assertEquals(2.0, lastLayer.at(4), 1e-12);
        assertEquals(2.0, lastLayer.at(5), 1e-12); // cosine step 0 of 3
        assertEquals(1.0 * (1 + Math.cos(Math.PI / 3)), lastLayer.at(6), 1e-12);
    }

    @Test
    void momentumRisesToOneAndTemperatureWarmsUpThenStays() {
        CosineSchedule momentum = CosineSchedule.cosine(0.992, 1.0, 100);
        assertEquals(0.992, momentum.at(0), 1e-12);
        for (int i = 1; i < 100; i++) {
            assertTrue(momentum.at(i) >= momentum.at(i - 1));
        }
        assertEquals(1.0, momentum.at(100));
        CosineSchedule temperature = new CosineSchedule(0.07, 0.07, 30, 30, 0.04, 0);
        assertEquals(0.04, temperature.at(0), 1e-12);
        assertEquals(0.07, temperature.at(29), 1e-12);
        assertEquals(0.07, temperature.at(500), 1e-12);
    }

    @Test
    void inconsistentLengthsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(1, 0, 5, 4, 0, 2));
    }
}
