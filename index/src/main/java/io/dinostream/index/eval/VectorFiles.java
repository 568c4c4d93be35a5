package io.dinostream.index.eval;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The vector file formats of the ANN benchmarks: {@code .fvecs} (per row a little-endian int32 dimension
 * then that many float32), {@code .ivecs} (the same with int32 values), and NumPy {@code .npy} arrays of
 * little-endian float32 with shape (n, d), C order.
 */
public final class VectorFiles {
    private static final Pattern NPY_DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
    private static final Pattern NPY_FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern NPY_SHAPE = Pattern.compile("'shape':\\s*\\((\\d+),\\s*(\\d+)\\s*,?\\)");

    /** Float vectors, row-major. */
    public record Floats(int count, int dimension, float[] data) {}

    private VectorFiles() {}

    /** Reads {@code .fvecs} or {@code .npy} by the file's extension. */
    public static Floats readFloats(Path file) throws IOException {
        String name = file.getFileName().toString();
        if (name.endsWith(".fvecs")) {
            return readFvecs(file);
        }
        if (name.endsWith(".npy")) {
            return readNpy(file);
        }
        throw new IOException(file + ": expected a .fvecs or .npy file");
    }

    static Floats readFvecs(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (buf.remaining() < 4) {
            throw new IOException(file + ": empty .fvecs file");
        }
        int d = buf.getInt(0);
        long rowBytes = 4L + 4L * d;
        if (d <= 0 || buf.remaining() % rowBytes != 0) {
            throw new IOException(file + ": not a .fvecs file (dimension " + d + ", " + buf.remaining() + " bytes)");
        }
        int n = (int) (buf.remaining() / rowBytes);
        float[] data = new float[n * d];
        for (int i = 0; i < n; i++) {
            int rowD = buf.getInt();
            if (rowD != d) {
                throw new IOException(file + ": row " + i + " has dimension " + rowD + ", the first row " + d);
            }
            for (int j = 0; j < d; j++) {
                data[i * d + j] = buf.getFloat();
            }
        }
        return new Floats(n, d, data);
    }

    static Floats readNpy(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < 10 || bytes[0] != (byte) 0x93 || bytes[1] != 'N' || bytes[2] != 'U') {
            throw new IOException(file + ": not a .npy file");
        }
        int major = bytes[6];
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = major == 1 ? Short.toUnsignedInt(buf.getShort(8)) : buf.getInt(8);
        int headerStart = major == 1 ? 10 : 12;
        String header = new String(bytes, headerStart, headerLength, StandardCharsets.ISO_8859_1);
        Matcher descr = NPY_DESCR.matcher(header);
        Matcher fortran = NPY_FORTRAN.matcher(header);
        Matcher shape = NPY_SHAPE.matcher(header);
        if (!descr.find() || !descr.group(1).equals("<f4")) {
            throw new IOException(file + ": expected little-endian float32 ('<f4'), header " + header.trim());
        }
        if (fortran.find() && fortran.group(1).equals("True")) {
            throw new IOException(file + ": Fortran order is not supported, save with C order");
        }
        if (!shape.find()) {
            throw new IOException(file + ": expected a 2-D array, header " + header.trim());
        }
        int n = Integer.parseInt(shape.group(1));
        int d = Integer.parseInt(shape.group(2));
        int dataStart = headerStart + headerLength;
        if (bytes.length - dataStart != 4L * n * d) {
            throw new IOException(
                    file + ": " + (bytes.length - dataStart) + " data bytes for shape (" + n + ", " + d + ")");
        }
        float[] data = new float[n * d];
        buf.position(dataStart);
        buf.asFloatBuffer().get(data);
        return new Floats(n, d, data);
    }

    /** Reads {@code .ivecs}: one int array per row (rows may differ in length). */
    public static int[][] readIvecs(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        java.util.List<int[]> rows = new java.util.ArrayList<>();
        while (buf.remaining() >= 4) {
            int d = buf.getInt();
            if (d < 0 || buf.remaining() < 4L * d) {
                throw new IOException(file + ": truncated .ivecs row " + rows.size());
            }
            int[] row = new int[d];
            for (int j = 0; j < d; j++) {
                row[j] = buf.getInt();
            }
            rows.add(row);
        }
        if (buf.remaining() != 0) {
            throw new IOException(file + ": trailing bytes after " + rows.size() + " rows");
        }
        return rows.toArray(new int[0][]);
    }

    /** Writes {@code .ivecs}. */
    public static void writeIvecs(Path file, int[][] rows) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            for (int[] row : rows) {
                ByteBuffer buf = ByteBuffer.allocate(4 + 4 * row.length).order(ByteOrder.LITTLE_ENDIAN);
                buf.putInt(row.length);
                for (int v : row) {
                    buf.putInt(v);
                }
                out.write(buf.array());
            }
        }
    }

    /** Writes {@code .fvecs} (for tests and tools). */
    public static void writeFvecs(Path file, Floats vectors) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            int d = vectors.dimension();
            for (int i = 0; i < vectors.count(); i++) {
                ByteBuffer buf = ByteBuffer.allocate(4 + 4 * d).order(ByteOrder.LITTLE_ENDIAN);
                buf.putInt(d);
                for (int j = 0; j < d; j++) {
                    buf.putFloat(vectors.data()[i * d + j]);
                }
                out.write(buf.array());
            }
        }
    }
}
