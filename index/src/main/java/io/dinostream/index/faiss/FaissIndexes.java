package io.dinostream.index.faiss;

import io.dinostream.index.faiss.binding.ByteVector;
import io.dinostream.index.faiss.binding.FaissIndex;
import io.dinostream.index.faiss.binding.VectorIOReader;
import io.dinostream.index.faiss.binding.VectorIOWriter;
import io.dinostream.index.faiss.binding.global.Faiss;

/**
 * Factories for FAISS indexes that FAISS allocates, each returned in an {@link OwnedFaissIndex}.
 *
 * <p>Serialisation copies through JavaCPP's generated {@code std::vector<uint8_t>} accessors, element by
 * element: fine for tests and small indexes; the snapshot issue should add a bulk copy (a {@code data()}
 * helper in the native header).
 */
public final class FaissIndexes {
    private FaissIndexes() {}

    /**
     * An index built by FAISS's {@code index_factory}, e.g. {@code "Flat"}, {@code "IVF1024,Flat"} or
     * {@code "HNSW32"}, with the inner-product metric.
     *
     * @throws RuntimeException (from the native side) if FAISS rejects the description
     */
    public static OwnedFaissIndex innerProduct(int dimension, String description) {
        FaissNative.load();
        return new OwnedFaissIndex(Faiss.index_factory(dimension, description, Faiss.METRIC_INNER_PRODUCT));
    }

    /** Serialises an index with FAISS's {@code write_index} (FAISS's own file format). */
    public static byte[] serialize(FaissIndex index) {
        try (VectorIOWriter writer = new VectorIOWriter()) {
            Faiss.write_index(index, writer);
            ByteVector data = writer.data();
            if (data.size() > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("serialised index of " + data.size() + " bytes exceeds a Java array");
            }
            return data.get();
        }
    }

    /** Reads an index written by {@link #serialize}. */
    public static OwnedFaissIndex deserialize(byte[] bytes) {
        FaissNative.load();
        try (VectorIOReader reader = new VectorIOReader()) {
            reader.data().put(bytes);
            return new OwnedFaissIndex(Faiss.read_index(reader));
        }
    }
}
