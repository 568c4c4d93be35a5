package io.dinostream.index.faiss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.index.faiss.binding.FaissIndex;
import io.dinostream.index.faiss.binding.IndexFlat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.junit.jupiter.api.Test;

/** The binding beyond the flat index: index_factory, serialisation, thread control, native errors. */
class FaissIndexesTest {
    private static final float[] DATA = {1, 0, 0, 0, 2, 0, 0, 0, 0, 1, 1, 0}; // three 4-d vectors

    @Test
    void factoryIndexSearchesAndSurvivesSerialisation() {
        byte[] bytes;
        try (OwnedFaissIndex owned = FaissIndexes.innerProduct(4, "Flat")) {
            FaissIndex index = owned.get();
            try (FloatPointer x = new FloatPointer(DATA)) {
                index.add(3, x);
            }
            assertEquals(3, index.ntotal());
            assertArrayEquals(new long[] {1, 0, 2}, top3(index, new float[] {1, 0, 0, 0}));
            bytes = FaissIndexes.serialize(index);
        }
        assertTrue(bytes.length > 3 * 4 * Float.BYTES, "serialised index holds its vectors");
        try (OwnedFaissIndex copy = FaissIndexes.deserialize(bytes)) {
            assertEquals(3, copy.get().ntotal());
            assertEquals(4, copy.get().d());
            assertArrayEquals(new long[] {1, 0, 2}, top3(copy.get(), new float[] {1, 0, 0, 0}));
        }
    }

    /**
     * An index over 64 MB is copied into huge-page memory after it is read ({@code move_to_huge_pages}):
     * every stored float must survive that copy, through both ways of reading.
     */
    @Test
    void largeIndexKeepsEveryVectorThroughTheCopyIntoHugePages() throws Exception {
        int dimension = 1024;
        int rows = 17_000; // 69.6 MB of vectors: above the 64 MB where the copy starts
        float[] data = new float[rows * dimension];
        SplittableRandom random = new SplittableRandom(18);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        byte[] bytes;
        try (OwnedFaissIndex owned = FaissIndexes.innerProduct(dimension, "Flat")) {
            BufferedAdd.add(owned.get(), data, rows, dimension);
            bytes = FaissIndexes.serialize(owned.get());
            FaissIndexes.write(owned.get(), new DataOutputStream(stream));
        }
        try (OwnedFaissIndex fromBytes = FaissIndexes.deserialize(bytes);
                OwnedFaissIndex fromStream =
                        FaissIndexes.read(new DataInputStream(new ByteArrayInputStream(stream.toByteArray())))) {
            for (OwnedFaissIndex copy : List.of(fromBytes, fromStream)) {
                float[] stored = new float[data.length];
                new IndexFlat(copy.get()).get_xb().get(stored); // a view: the copy owns the index
                assertArrayEquals(data, stored);
            }
        }
    }

    @Test
    void closedOwnerRefusesAccessAndClosesOnce() {
        OwnedFaissIndex owned = FaissIndexes.innerProduct(4, "Flat");
        owned.close();
        owned.close();
        assertThrows(IllegalStateException.class, owned::get);
    }

    @Test
    void nativeErrorsBecomeJavaExceptions() {
        assertThrows(RuntimeException.class, () -> FaissIndexes.innerProduct(4, "NoSuchIndexType"));
        assertThrows(RuntimeException.class, () -> FaissIndexes.deserialize(new byte[] {1, 2, 3}));
    }

    @Test
    void threadCountCanBeSet() {
        int before = FaissNative.threads();
        try {
            FaissNative.setThreads(1);
            assertEquals(1, FaissNative.threads());
        } finally {
            FaissNative.setThreads(before);
        }
        assertThrows(IllegalArgumentException.class, () -> FaissNative.setThreads(0));
    }

    private static long[] top3(FaissIndex index, float[] query) {
        long[] labels = new long[3];
        try (FloatPointer q = new FloatPointer(query);
                FloatPointer distances = new FloatPointer(3);
                LongPointer l = new LongPointer(3)) {
            index.search(1, q, 3, distances, l);
            l.get(labels);
        }
        return labels;
    }
}
