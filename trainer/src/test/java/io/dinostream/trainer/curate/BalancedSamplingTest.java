package io.dinostream.trainer.curate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Water-filling and balanced sampling over flat and two-level cluster trees (pure logic). */
class BalancedSamplingTest {
    @Test
    void waterFillingGivesSmallBinsEverythingAndSplitsTheRestEvenly() {
        assertArrayEquals(new int[] {2, 9, 9}, BalancedSampling.waterFill(new int[] {2, 100, 100}, 20));
        assertArrayEquals(new int[] {5, 5, 5}, BalancedSampling.waterFill(new int[] {5, 5, 5}, 100));
        assertArrayEquals(new int[] {4, 3, 3}, BalancedSampling.waterFill(new int[] {10, 10, 10}, 10));
        assertArrayEquals(new int[] {0, 0}, BalancedSampling.waterFill(new int[] {3, 3}, 0));
    }

    @Test
    void flatSamplingEqualisesAnImbalancedPool() {
        // 10 clusters of sizes 1000, 500, ..., 2 (ratio 500): a target of 1000 gives each about 100.
        int[] sizes = {1000, 700, 500, 300, 200, 120, 80, 40, 10, 2};
        int n = Arrays.stream(sizes).sum();
        int[] cluster = new int[n];
        for (int c = 0, i = 0; c < sizes.length; c++) {
            for (int j = 0; j < sizes[c]; j++) {
                cluster[i++] = c;
            }
        }
        shuffle(cluster, new Random(5));
        int[] chosen = BalancedSampling.sample(n, List.of(cluster), 1000, 9);
        assertEquals(1000, chosen.length);
        assertEquals(1000, Arrays.stream(chosen).distinct().count());
        int[] per = new int[sizes.length];
        for (int i : chosen) {
            per[cluster[i]]++;
        }
        // The five smallest give everything (120, 80, 40, 10, 2); the five largest share the other 748
        // evenly, although they range from 200 to 1000.
        assertArrayEquals(new int[] {120, 80, 40, 10, 2}, Arrays.copyOfRange(per, 5, 10));
        for (int c = 0; c < 5; c++) {
            assertTrue(per[c] == 149 || per[c] == 150, "cluster " + c + ": " + Arrays.toString(per));
        }
        assertArrayEquals(chosen, BalancedSampling.sample(n, List.of(cluster), 1000, 9), "seeded");
        assertTrue(!Arrays.equals(chosen, BalancedSampling.sample(n, List.of(cluster), 1000, 10)));
    }

    @Test
    void twoLevelsBalanceTheTopClustersFirst() {
        // Top cluster 0 has 4 fine clusters of 100; top cluster 1 has one fine cluster of 100.
        int[] fine = new int[500];
        for (int i = 0; i < 500; i++) {
            fine[i] = i / 100;
        }
        int[] parentOfFine = {0, 0, 0, 0, 1};
        int[] chosen = BalancedSampling.sample(500, List.of(fine, parentOfFine), 100, 1);
        int[] perTop = new int[2];
        int[] perFine = new int[5];
        for (int i : chosen) {
            perFine[fine[i]]++;
            perTop[parentOfFine[fine[i]]]++;
        }
        assertArrayEquals(new int[] {50, 50}, perTop, "half each, although top cluster 0 is 4 times larger");
        assertArrayEquals(new int[] {13, 13, 12, 12}, sortDesc(Arrays.copyOf(perFine, 4)));
        assertEquals(50, perFine[4]);
    }

    @Test
    void aTargetAboveThePoolTakesEverything() {
        int[] cluster = {0, 0, 1};
        assertArrayEquals(new int[] {0, 1, 2}, BalancedSampling.sample(3, List.of(cluster), 10, 0));
    }

    private static int[] sortDesc(int[] values) {
        return Arrays.stream(values)
                .boxed()
                .sorted((a, b) -> b - a)
                .mapToInt(Integer::intValue)
                .toArray();
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
