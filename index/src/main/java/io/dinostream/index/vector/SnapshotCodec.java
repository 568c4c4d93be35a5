package io.dinostream.index.vector;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The framing shared by every {@link VectorIndex} snapshot: a header ({@value #MAGIC}, a format version,
 * the implementation's kind) followed by the implementation's own fields, with bulk helpers for arrays.
 * Numbers are big-endian ({@link DataOutputStream}); arrays are written in 1 MiB slices so that
 * snapshots of millions of vectors never need a second full-size copy.
 */
public final class SnapshotCodec {
    /** First four bytes of every snapshot. */
    public static final int MAGIC = 0x44535649; // "DSVI"

    /** Version of the snapshot framing. */
    public static final int VERSION = 1;

    private static final int SLICE_BYTES = 1 << 20;

    private SnapshotCodec() {}

    /** Writes the header naming the implementation ({@code kind}). */
    public static void writeHeader(DataOutputStream out, String kind) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeUTF(kind);
    }

    /**
     * Reads the header and returns the kind.
     *
     * @throws IOException if the bytes are not a snapshot of a version this build reads
     */
    public static String readHeader(DataInputStream in) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new IOException("not a vector index snapshot (magic " + Integer.toHexString(magic) + ")");
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException("snapshot version " + version + ", this build reads " + VERSION);
        }
        return in.readUTF();
    }

    /** Writes {@code count} longs of {@code values} from index 0. */
    public static void writeLongs(DataOutputStream out, long[] values, int count) throws IOException {
        ByteBuffer slice = ByteBuffer.allocate(SLICE_BYTES);
        int perSlice = SLICE_BYTES / Long.BYTES;
        for (int start = 0; start < count; start += perSlice) {
            int n = Math.min(perSlice, count - start);
            slice.clear();
            slice.asLongBuffer().put(values, start, n);
            out.write(slice.array(), 0, n * Long.BYTES);
        }
    }

    /** Reads {@code count} longs. */
    public static long[] readLongs(DataInputStream in, int count) throws IOException {
        long[] values = new long[count];
        byte[] slice = new byte[SLICE_BYTES];
        int perSlice = SLICE_BYTES / Long.BYTES;
        for (int start = 0; start < count; start += perSlice) {
            int n = Math.min(perSlice, count - start);
            in.readFully(slice, 0, n * Long.BYTES);
            ByteBuffer.wrap(slice, 0, n * Long.BYTES).asLongBuffer().get(values, start, n);
        }
        return values;
    }

    /** Writes {@code count} floats of {@code values} from index 0, little-endian like the wire format. */
    public static void writeFloats(DataOutputStream out, float[] values, long count) throws IOException {
        ByteBuffer slice = ByteBuffer.allocate(SLICE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int perSlice = SLICE_BYTES / Float.BYTES;
        for (long start = 0; start < count; start += perSlice) {
            int n = (int) Math.min(perSlice, count - start);
            slice.clear();
            slice.asFloatBuffer().put(values, (int) start, n);
            out.write(slice.array(), 0, n * Float.BYTES);
        }
    }

    /** Reads {@code count} little-endian floats. */
    public static float[] readFloats(DataInputStream in, int count) throws IOException {
        float[] values = new float[count];
        byte[] slice = new byte[SLICE_BYTES];
        int perSlice = SLICE_BYTES / Float.BYTES;
        for (int start = 0; start < count; start += perSlice) {
            int n = Math.min(perSlice, count - start);
            in.readFully(slice, 0, n * Float.BYTES);
            ByteBuffer.wrap(slice, 0, n * Float.BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer()
                    .get(values, start, n);
        }
        return values;
    }

    /** A count read from a snapshot, checked to fit a Java array. */
    public static int readCount(DataInputStream in, String what) throws IOException {
        long count = in.readLong();
        if (count < 0 || count > Integer.MAX_VALUE - 8) {
            throw new IOException("snapshot declares " + count + " " + what);
        }
        return (int) count;
    }
}
