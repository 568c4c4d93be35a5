package io.dinostream.index.faiss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dinostream.index.faiss.binding.IndexFlatIP;
import io.dinostream.index.faiss.binding.IndexIDMap2;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.LongPointer;
import org.junit.jupiter.api.Test;

/** Chunked adds store every row, in order, under its id, whatever the chunk size. */
class BufferedAddTest {
    private static final int DIMENSION = 8;

    @Test
    void chunkedAddStoresEveryRowInOrder() {
        float[] rows = randomRows(100, 1);
        for (int chunk : new int[] {1, 7, 100, 1000}) {
            try (IndexFlatIP flat = new IndexFlatIP(DIMENSION)) {
                BufferedAdd.addInChunks(flat, rows, null, 100, DIMENSION, chunk);
                assertEquals(100, flat.ntotal(), "chunk " + chunk);
                float[] stored = new float[rows.length];
                flat.get_xb().get(stored);
                assertArrayEquals(rows, stored, "chunk " + chunk);
            }
        }
    }

    @Test
    void chunkedAddWithIdsKeepsEachRowUnderItsId() {
        float[] rows = randomRows(50, 2);
        long[] ids = new long[50];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1_000_000_007L * (i + 1); // far from the row numbers
        }
        try (IndexFlatIP flat = new IndexFlatIP(DIMENSION);
                IndexIDMap2 idMap = new IndexIDMap2(flat)) {
            BufferedAdd.addInChunks(idMap, rows, ids, 50, DIMENSION, 7);
            long[] stored = new long[50];
            try (LongPointer idPointer = idMap.id_map()) {
                idPointer.get(stored);
            }
            assertArrayEquals(ids, stored);
            float[] vectors = new float[rows.length];
            flat.get_xb().get(vectors);
            assertArrayEquals(rows, vectors);
        }
    }

    @Test
    void aChunkHoldsWholeRowsWithinTheBufferAndAtLeastOne() {
        assertEquals(BufferedAdd.BUFFER_BYTES / (4 * 384), BufferedAdd.rowsPerChunk(384));
        assertEquals(1, BufferedAdd.rowsPerChunk(BufferedAdd.BUFFER_BYTES)); // one row exceeds the buffer
    }

    private static float[] randomRows(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] rows = new float[count * DIMENSION];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) random.nextGaussian();
        }
        return rows;
    }
}
