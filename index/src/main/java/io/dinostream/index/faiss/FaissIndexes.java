package io.dinostream.index.faiss;

import io.dinostream.index.faiss.binding.ByteVector;
import io.dinostream.index.faiss.binding.FaissIndex;
import io.dinostream.index.faiss.binding.VectorIOReader;
import io.dinostream.index.faiss.binding.VectorIOWriter;
import io.dinostream.index.faiss.binding.global.Faiss;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;

/**
 * Factories for FAISS indexes that FAISS allocates, each returned in an {@link OwnedFaissIndex}.
 *
 * <p>Serialisation goes through FAISS's in-memory {@code VectorIOWriter}/{@code VectorIOReader}; the
 * bytes cross to Java in 1 MiB slices ({@code byte_vector_data}/{@code byte_vector_resize} in our native
 * header), so the only full-size copy is FAISS's own buffer.
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

    private static final int SLICE = 1 << 20;

    /**
     * Writes an index in FAISS's own format to {@code out}: an 8-byte length, then the bytes of
     * {@code write_index}.
     */
    public static void write(FaissIndex index, DataOutputStream out) throws IOException {
        try (VectorIOWriter writer = new VectorIOWriter()) {
            Faiss.write_index(index, writer);
            ByteVector data = writer.data();
            long size = data.size();
            out.writeLong(size);
            BytePointer bytes = Faiss.byte_vector_data(data);
            byte[] slice = new byte[(int) Math.min(SLICE, Math.max(1, size))];
            for (long offset = 0; offset < size; offset += slice.length) {
                int n = (int) Math.min(slice.length, size - offset);
                bytes.position(offset).get(slice, 0, n);
                out.write(slice, 0, n);
            }
        }
    }

    /** Reads an index written by {@link #write}. */
    public static OwnedFaissIndex read(DataInputStream in) throws IOException {
        FaissNative.load();
        long size = in.readLong();
        if (size <= 0) {
            throw new IOException("FAISS index of " + size + " bytes in snapshot");
        }
        OwnedFaissIndex index;
        try (VectorIOReader reader = new VectorIOReader()) {
            BytePointer bytes = Faiss.byte_vector_resize(reader.data(), size);
            byte[] slice = new byte[(int) Math.min(SLICE, size)];
            for (long offset = 0; offset < size; offset += slice.length) {
                int n = (int) Math.min(slice.length, size - offset);
                in.readFully(slice, 0, n);
                bytes.position(offset).put(slice, 0, n);
            }
            index = new OwnedFaissIndex(Faiss.read_index(reader));
        } catch (RuntimeException e) {
            throw new IOException("FAISS cannot read the index in the snapshot: " + e.getMessage(), e);
        }
        return inHugePages(index);
    }

    /**
     * Moves a read index's large containers into 2 MB pages, once the serialised copy is freed: at 1M x
     * 384 a graph search reads a vector and a neighbour list at random per step, and 4 KB pages cost it a
     * TLB miss each (docs/performance.md, session 18).
     */
    private static OwnedFaissIndex inHugePages(OwnedFaissIndex index) {
        try {
            Faiss.move_to_huge_pages(index.get());
            return index;
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
    }

    /** Writes an index to a file in FAISS's own format ({@code write_index}), readable by any FAISS. */
    public static void writeFile(FaissIndex index, Path file) {
        Faiss.write_index(index, file.toString());
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
        OwnedFaissIndex index;
        try (VectorIOReader reader = new VectorIOReader()) {
            reader.data().put(bytes);
            index = new OwnedFaissIndex(Faiss.read_index(reader));
        }
        return inHugePages(index);
    }
}
