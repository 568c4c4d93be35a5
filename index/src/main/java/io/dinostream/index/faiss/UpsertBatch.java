package io.dinostream.index.faiss;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An upsert's rows with each id once: where an id repeats, its last row wins (FAISS would store both).
 *
 * @param ids distinct ids, in the order of their last occurrence
 * @param rows their vectors, row-major; the caller's own array when no id repeats (not copied)
 */
record UpsertBatch(long[] ids, float[] rows) {

    /** The batch of {@code ids} and {@code vectors}, with repeated ids reduced to their last row. */
    static UpsertBatch lastRowWins(long[] ids, float[] vectors, int dimension) {
        if (!hasRepeatedIds(ids)) {
            return new UpsertBatch(ids, vectors); // the common case, e.g. a bulk load: no copy
        }
        Map<Long, Integer> lastRow = new LinkedHashMap<>();
        for (int i = 0; i < ids.length; i++) {
            lastRow.remove(ids[i]);
            lastRow.put(ids[i], i);
        }
        float[] rows = new float[lastRow.size() * dimension];
        long[] unique = new long[lastRow.size()];
        int r = 0;
        for (Map.Entry<Long, Integer> e : lastRow.entrySet()) {
            unique[r] = e.getKey();
            System.arraycopy(vectors, e.getValue() * dimension, rows, r * dimension, dimension);
            r++;
        }
        return new UpsertBatch(unique, rows);
    }

    /** The number of rows. */
    int count() {
        return ids.length;
    }

    /** Sorting a copy costs microseconds at Kafka batch sizes and spares the map in the common case. */
    private static boolean hasRepeatedIds(long[] ids) {
        long[] sorted = ids.clone();
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                return true;
            }
        }
        return false;
    }
}
