package io.dinostream.index.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
    @Test
    void percentilesAreWithinTenPercentOfTheExactOnes() {
        Random random = new Random(3);
        LatencyHistogram histogram = new LatencyHistogram();
        long[] values = new long[10_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = 1 + (long) Math.abs(random.nextGaussian() * 300);
            histogram.record(values[i]);
        }
        Arrays.sort(values);
        for (double p : new double[] {0.5, 0.9, 0.99}) {
            long exact = values[(int) Math.ceil(p * values.length) - 1];
            long estimate = histogram.percentile(p);
            assertTrue(
                    estimate >= exact && estimate <= Math.ceil(exact * 1.1) + 1, p + ": " + estimate + " vs " + exact);
        }
        assertEquals(10_000, histogram.count());
    }

    @Test
    void emptyAndEdgeCases() {
        LatencyHistogram histogram = new LatencyHistogram();
        assertEquals(-1, histogram.percentile(0.5));
        histogram.record(-5); // clock skew counts as 0
        assertEquals(0, histogram.percentile(1.0));
        assertThrows(IllegalArgumentException.class, () -> histogram.percentile(0));
    }
}
