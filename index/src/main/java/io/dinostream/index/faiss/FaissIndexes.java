package io.dinostream.index.faiss;

import io.dinostream.index.faiss.binding.ByteVector;
import io.dinostream.index.faiss.binding.FaissIndex;
import io.dinostream.index.faiss.binding.VectorIOReader;
import io.dinostream.index.faiss.binding.VectorIOWriter;
import io.dinostream.index.faiss.binding.global.Faiss;
import org.bytedeco.javacpp.BytePointer;

/** Factories for FAISS indexes that FAISS allocates, each returned in an {@link OwnedFaissIndex}. */
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
            byte[] bytes = new byte[Math.toIntExact(data.size())];
            new BytePointer(data.data()).capacity(bytes.length).get(bytes);
            return bytes;
        }
    }

    /** Reads an index written by {@link #serialize}. */
    public static OwnedFaissIndex deserialize(byte[] bytes) {
        FaissNative.load();
        try (VectorIOReader reader = new VectorIOReader()) {
            ByteVector data = reader.data();
            data.resize(bytes.length);
            new BytePointer(data.data()).capacity(bytes.length).put(bytes);
            return new OwnedFaissIndex(Faiss.read_index(reader));
        }
    }
}
