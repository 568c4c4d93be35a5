package io.dinostream.embedder.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reader and writer for the <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * format, written for dinostream (DJL's own codec crashes on BF16).
 *
 * <h2>Format (version 1 of the spec, the only one)</h2>
 *
 * <ol>
 *   <li>8 bytes: unsigned little-endian 64-bit length {@code n} of the header.
 *   <li>{@code n} bytes: UTF-8 JSON object. Each key except {@code "__metadata__"} is a tensor name
 *       mapped to {@code {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}}; offsets are
 *       relative to the first byte after the header, {@code end - begin} equals the element count
 *       times the dtype size. {@code "__metadata__"} (optional) maps strings to strings. Writers may
 *       pad the JSON with trailing spaces (this writer pads to a multiple of 8 bytes).
 *   <li>The data: tensors in C order, little endian.
 * </ol>
 *
 * <p>The reader reads each tensor's bytes on demand, so multi-gigabyte files (ViT-g/14 in F32 is 4.5
 * GB) are read tensor by tensor. Float tensors ({@code F64, F32, F16, BF16}) are returned as float32
 * Java arrays; the conversion of the 16-bit types is exact.
 */
public final class SafeTensors {
    /** The header key that holds string metadata rather than a tensor. */
    public static final String METADATA_KEY = "__metadata__";

    private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafeTensors() {}

    /** The element types of the format. */
    public enum DType {
        F64(8),
        F32(4),
        F16(2),
        BF16(2),
        I64(8),
        I32(4),
        I16(2),
        I8(1),
        U8(1),
        BOOL(1);

        private final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        /** Size of one element in bytes. */
        public int bytes() {
            return bytes;
        }

        /** Whether values of this type convert to float32 with {@link Reader#readFloats}. */
        public boolean isFloat() {
            return this == F64 || this == F32 || this == F16 || this == BF16;
        }

        static DType parse(String name, String tensor) {
            try {
                return valueOf(name);
            } catch (IllegalArgumentException e) {
                throw new SafeTensorsException("tensor '" + tensor + "' has unsupported dtype '" + name + "'");
            }
        }
    }

    /**
     * One tensor entry of a header.
     *
     * @param name the tensor name
     * @param dtype its element type
     * @param shape its shape (empty for a scalar)
     * @param begin first data byte, relative to the data section
     * @param end one past the last data byte
     */
    public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
        /** Number of elements. */
        public long numel() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }

        /** The shape as text, e.g. {@code [384, 3, 14, 14]}. */
        public String shapeString() {
            return Arrays.toString(shape);
        }
    }

    /**
     * A float tensor held in a Java array, for writing.
     *
     * @param shape the shape
     * @param data the values in C order; length equals the product of the shape
     */
    public record FloatTensor(long[] shape, float[] data) {
        public FloatTensor {
            long n = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
                }
                n *= d;
            }
            if (n != data.length) {
                throw new IllegalArgumentException(
                        "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
            }
        }
    }

    /** Opens a file for reading; the caller closes the reader. */
    public static Reader open(Path path) throws IOException {
        return new Reader(path);
    }

    /** A safetensors file opened for reading. Not thread-safe. */
    public static final class Reader implements AutoCloseable {
        private final Path path;
        private final FileChannel channel;
        private final long dataStart;
        private final Map<String, TensorInfo> tensors;
        private final Map<String, String> metadata;

        private Reader(Path path) throws IOException {
            this.path = path;
            this.channel = FileChannel.open(path, StandardOpenOption.READ);
            try {
                long size = channel.size();
                if (size < 8) {
                    throw new SafeTensorsException(path + ": too short for a safetensors file (" + size + " bytes)");
                }
                ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                readFully(lenBuf, 0);
                long headerLen = lenBuf.flip().getLong();
                if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || 8 + headerLen > size) {
                    throw new SafeTensorsException(
                            path + ": bad header length " + headerLen + " for a file of " + size + " bytes");
                }
                ByteBuffer header = ByteBuffer.allocate((int) headerLen);
                readFully(header, 8);
                this.dataStart = 8 + headerLen;
                long dataLen = size - dataStart;
                JsonNode root;
                try {
                    root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
                } catch (JsonProcessingException e) {
                    throw new SafeTensorsException(path + ": header is not valid JSON: " + e.getOriginalMessage(), e);
                }
                if (root == null || !root.isObject()) {
                    throw new SafeTensorsException(path + ": header is not a JSON object");
                }
                Map<String, String> meta = new LinkedHashMap<>();
                List<TensorInfo> infos = new ArrayList<>();
                for (Map.Entry<String, JsonNode> e : root.properties()) {
                    if (METADATA_KEY.equals(e.getKey())) {
                        e.getValue()
                                .properties()
                                .forEach(m -> meta.put(m.getKey(), m.getValue().asText()));
                        continue;
                    }
                    infos.add(parseInfo(e.getKey(), e.getValue(), dataLen));
                }
                infos.sort(Comparator.comparingLong(TensorInfo::begin));
                Map<String, TensorInfo> byName = new LinkedHashMap<>();
                for (TensorInfo info : infos) {
                    byName.put(info.name(), info);
                }
                this.tensors = Collections.unmodifiableMap(byName);
                this.metadata = Collections.unmodifiableMap(meta);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }

        private TensorInfo parseInfo(String name, JsonNode node, long dataLen) {
            JsonNode dtype = node.get("dtype");
            JsonNode shape = node.get("shape");
            JsonNode offsets = node.get("data_offsets");
            if (dtype == null || shape == null || offsets == null || !shape.isArray() || offsets.size() != 2) {
                throw new SafeTensorsException(
                        path + ": tensor '" + name + "' needs dtype, shape and data_offsets [begin, end]");
            }
            DType type = DType.parse(dtype.asText(), name);
            long[] dims = new long[shape.size()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = shape.get(i).asLong(-1);
                if (dims[i] < 0) {
                    throw new SafeTensorsException(path + ": tensor '" + name + "' has a bad shape " + shape);
                }
            }
            long begin = offsets.get(0).asLong(-1);
            long end = offsets.get(1).asLong(-1);
            TensorInfo info = new TensorInfo(name, type, dims, begin, end);
            if (begin < 0 || end < begin || end > dataLen) {
                throw new SafeTensorsException(path + ": tensor '" + name + "' has data offsets [" + begin + ", " + end
                        + "] outside the " + dataLen + " data bytes");
            }
            if (end - begin != info.numel() * type.bytes()) {
                throw new SafeTensorsException(path + ": tensor '" + name + "' (" + type + " " + info.shapeString()
                        + ") needs " + info.numel() * type.bytes() + " bytes, offsets give " + (end - begin));
            }
            return info;
        }

        private void readFully(ByteBuffer buf, long position) throws IOException {
            long pos = position;
            while (buf.hasRemaining()) {
                int n = channel.read(buf, pos);
                if (n < 0) {
                    throw new SafeTensorsException(path + ": unexpected end of file");
                }
                pos += n;
            }
        }

        /** The file read. */
        public Path path() {
            return path;
        }

        /** Tensor entries by name, in data order. */
        public Map<String, TensorInfo> tensors() {
            return tensors;
        }

        /** The {@code __metadata__} strings (empty when absent). */
        public Map<String, String> metadata() {
            return metadata;
        }

        /** The entry for {@code name}. */
        public TensorInfo info(String name) {
            TensorInfo info = tensors.get(name);
            if (info == null) {
                throw new SafeTensorsException(path + ": no tensor named '" + name + "'");
            }
            return info;
        }

        /** The raw little-endian bytes of a tensor. */
        public ByteBuffer readBytes(String name) {
            TensorInfo info = info(name);
            long len = info.end() - info.begin();
            if (len > Integer.MAX_VALUE - 16) {
                throw new SafeTensorsException(path + ": tensor '" + name + "' is over 2 GB");
            }
            try {
                ByteBuffer buf = ByteBuffer.allocate((int) len);
                readFully(buf, dataStart + info.begin());
                return buf.flip().order(ByteOrder.LITTLE_ENDIAN);
            } catch (IOException e) {
                throw new UncheckedIOException(path + ": reading tensor '" + name + "'", e);
            }
        }

        /**
         * A float tensor as float32 values (F32 as is; F16, BF16 widened exactly; F64 rounded).
         *
         * @throws SafeTensorsException if the tensor is not a float type
         */
        public float[] readFloats(String name) {
            TensorInfo info = info(name);
            if (!info.dtype().isFloat()) {
                throw new SafeTensorsException(
                        path + ": tensor '" + name + "' has dtype " + info.dtype() + ", expected a float type");
            }
            ByteBuffer buf = readBytes(name);
            int n = (int) info.numel();
            float[] out = new float[n];
            switch (info.dtype()) {
                case F32 -> buf.asFloatBuffer().get(out);
                case F64 -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = (float) buf.getDouble(i * 8);
                    }
                }
                case F16 -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = HalfFloats.f16ToFloat(buf.getShort(i * 2));
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = HalfFloats.bf16ToFloat(buf.getShort(i * 2));
                    }
                }
                default -> throw new IllegalStateException("unreachable: " + info.dtype());
            }
            return out;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /**
     * Writes float tensors, in the given map order, converting to {@code dtype} (F32, F16 or BF16;
     * rounding to nearest even). The file is written to a temporary sibling and moved into place.
     */
    public static void write(Path path, Map<String, FloatTensor> tensors, Map<String, String> metadata, DType dtype)
            throws IOException {
        if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
            throw new IllegalArgumentException("can write F32, F16 or BF16, not " + dtype);
        }
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            header.put(METADATA_KEY, new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
            if (METADATA_KEY.equals(e.getKey())) {
                throw new IllegalArgumentException("a tensor cannot be named " + METADATA_KEY);
            }
            long len = (long) e.getValue().data().length * dtype.bytes();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", dtype.name());
            entry.put("shape", e.getValue().shape());
            entry.put("data_offsets", new long[] {offset, offset + len});
            header.put(e.getKey(), entry);
            offset += len;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();

        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(out, head);
            ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (FloatTensor t : tensors.values()) {
                for (float v : t.data()) {
                    if (chunk.remaining() < 4) {
                        writeFully(out, chunk.flip());
                        chunk.clear();
                    }
                    switch (dtype) {
                        case F32 -> chunk.putFloat(v);
                        case F16 -> chunk.putShort(HalfFloats.floatToF16(v));
                        case BF16 -> chunk.putShort(HalfFloats.floatToBf16(v));
                        default -> throw new IllegalStateException("unreachable: " + dtype);
                    }
                }
            }
            writeFully(out, chunk.flip());
            out.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeFully(FileChannel out, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            out.write(buf);
        }
    }

    /** A malformed or unsupported safetensors file; the message names the file and the tensor. */
    public static final class SafeTensorsException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public SafeTensorsException(String message) {
            super(message);
        }

        public SafeTensorsException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
