package io.dinostream.trainer.curate;

import java.util.Random;

/** A uniformly random order of 0..n-1 (Fisher-Yates), the same for the same generator state. */
public final class SeededPermutation {
    private SeededPermutation() {}

    public static int[] of(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
