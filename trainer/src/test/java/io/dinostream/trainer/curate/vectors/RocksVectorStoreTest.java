package io.dinostream.trainer.curate.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk vector source and the subset view: exactly the rows written, by any range. */
class RocksVectorStoreTest {
    @Test
    void readsBackEveryRangeAndSubset(@TempDir Path dir) {
        int dim = 7;
        int n = 10_000;
        Random random = new Random(5);
        float[] all = new float[n * dim];
        for (int i = 0; i < all.length; i++) {
            all[i] = (float) random.nextGaussian();
        }
        try (RocksVectorStore store = RocksVectorStore.create(dir.resolve("v"), dim)) {
            // Appended in uneven chunks, as an embedding loop would.
            for (int from = 0; from < n; from += 3_001) {
                int to = Math.min(n, from + 3_001);
                store.append(Arrays.copyOfRange(all, from * dim, to * dim));
            }
            assertEquals(n, store.size());
            assertArrayEquals(all, store.read(0, n));
            assertArrayEquals(Arrays.copyOfRange(all, 2_999 * dim, 6_002 * dim), store.read(2_999, 6_002));
            assertArrayEquals(VectorSource.rowMajor(all, dim).sample(333), store.sample(333));

            int[] rows = {0, 1, 2, 17, 18, 9_999};
            float[] expected = new float[rows.length * dim];
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(all, rows[r] * dim, expected, r * dim, dim);
            }
            SubsetVectors subset = new SubsetVectors(store, rows);
            assertArrayEquals(expected, subset.read(0, rows.length));
            assertArrayEquals(Arrays.copyOfRange(expected, 2 * dim, 5 * dim), subset.read(2, 5));

            assertThrows(IndexOutOfBoundsException.class, () -> store.read(n - 1, n + 1));
            assertThrows(IllegalArgumentException.class, () -> store.append(new float[dim + 1]));
            assertThrows(IllegalArgumentException.class, () -> new SubsetVectors(store, new int[] {3, 2}));
        }
    }
}
