package io.dinostream.embedder.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.embedder.model.SafeTensors.DType;
import io.dinostream.embedder.model.SafeTensors.FloatTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path tmp;

    @Test
    void f16ConversionsAreExactAndRoundToNearestEven() {
        assertEquals((short) 0x3c00, HalfFloats.floatToF16(1f));
        assertEquals((short) 0xc000, HalfFloats.floatToF16(-2f));
        assertEquals((short) 0x7bff, HalfFloats.floatToF16(65504f));
        assertEquals((short) 0x7c00, HalfFloats.floatToF16(65520f)); // rounds up to infinity
        assertEquals((short) 0x0001, HalfFloats.floatToF16(0x1.0p-24f)); // smallest subnormal
        assertEquals((short) 0x0000, HalfFloats.floatToF16(0x1.0p-26f));
        // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to even (1.0)
        assertEquals((short) 0x3c00, HalfFloats.floatToF16(1f + 0x1.0p-11f));
        // 1 + 3*2^-11 is halfway between 1+2^-10 (odd) and 1+2^-9 (even)
        assertEquals((short) 0x3c02, HalfFloats.floatToF16(1f + 3 * 0x1.0p-11f));
        assertTrue(Float.isNaN(HalfFloats.f16ToFloat(HalfFloats.floatToF16(Float.NaN))));
        // every finite half survives a round trip through float32
        for (int h = 0; h < 0x10000; h++) {
            if ((h & 0x7c00) == 0x7c00) {
                continue;
            }
            float f = HalfFloats.f16ToFloat((short) h);
            assertEquals((short) h, HalfFloats.floatToF16(f), "half bits " + Integer.toHexString(h));
        }
        assertEquals(0x1.0p-24f, HalfFloats.f16ToFloat((short) 1));
        assertEquals(-65504f, HalfFloats.f16ToFloat((short) 0xfbff));
    }

    @Test
    void bf16ConversionsRoundToNearestEven() {
        assertEquals((short) 0x3f80, HalfFloats.floatToBf16(1f));
        assertEquals(1f, HalfFloats.bf16ToFloat((short) 0x3f80));
        // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to even
        assertEquals((short) 0x3f80, HalfFloats.floatToBf16(1f + 0x1.0p-8f));
        assertEquals((short) 0x3f81, HalfFloats.floatToBf16(1f + 0x1.0p-8f + 0x1.0p-20f));
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.NaN))));
        for (int h = 0; h < 0x10000; h += 7) {
            float f = HalfFloats.bf16ToFloat((short) h);
            if (!Float.isNaN(f)) {
                assertEquals((short) h, HalfFloats.floatToBf16(f));
            }
        }
    }

    @Test
    void writesAndReadsEveryFloatType() throws IOException {
        float[] values = {0f, 1f, -2.5f, 3.140625f, 1e-3f, 65504f, -0.099609375f};
        for (DType dtype : List.of(DType.F32, DType.F16, DType.BF16)) {
            Map<String, FloatTensor> tensors = new LinkedHashMap<>();
            tensors.put("a.weight", new FloatTensor(new long[] {7}, values));
            tensors.put("scalar", new FloatTensor(new long[] {}, new float[] {42f}));
            tensors.put("m", new FloatTensor(new long[] {2, 0}, new float[0]));
            Path file = tmp.resolve("t-" + dtype + ".safetensors");
            SafeTensors.write(file, tensors, Map.of("format", "pt"), dtype);
            long headerLen = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .getLong();
            assertEquals(0, headerLen % 8, "header padded to 8 bytes");
            try (SafeTensors.Reader r = SafeTensors.open(file)) {
                assertEquals(
                        List.of("a.weight", "scalar", "m"),
                        List.copyOf(r.tensors().keySet()));
                assertEquals(dtype, r.info("a.weight").dtype());
                assertEquals(Map.of("format", "pt"), r.metadata());
                float[] back = r.readFloats("a.weight");
                for (int i = 0; i < values.length; i++) {
                    float want =
                            switch (dtype) {
                                case F16 -> HalfFloats.f16ToFloat(HalfFloats.floatToF16(values[i]));
                                case BF16 -> HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(values[i]));
                                default -> values[i];
                            };
                    assertEquals(want, back[i], "value " + i + " as " + dtype);
                }
                assertArrayEquals(new float[] {42f}, r.readFloats("scalar"));
                assertArrayEquals(new long[] {2, 0}, r.info("m").shape());
            }
        }
    }

    @Test
    void rejectsMalformedFiles() throws IOException {
        Path shortFile = tmp.resolve("short.safetensors");
        Files.write(shortFile, new byte[] {1, 2, 3});
        var e1 = assertThrows(SafeTensors.SafeTensorsException.class, () -> SafeTensors.open(shortFile));
        assertTrue(e1.getMessage().contains("too short"), e1.getMessage());

        Path badOffsets = tmp.resolve("bad.safetensors");
        writeRaw(badOffsets, "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[8]);
        var e2 = assertThrows(SafeTensors.SafeTensorsException.class, () -> SafeTensors.open(badOffsets));
        assertTrue(e2.getMessage().contains("'w'") && e2.getMessage().contains("needs 8 bytes"), e2.getMessage());

        Path pastEnd = tmp.resolve("past.safetensors");
        writeRaw(pastEnd, "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[8]);
        var e3 = assertThrows(SafeTensors.SafeTensorsException.class, () -> SafeTensors.open(pastEnd));
        assertTrue(e3.getMessage().contains("outside"), e3.getMessage());

        Path badType = tmp.resolve("type.safetensors");
        writeRaw(badType, "{\"w\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}", new byte[8]);
        var e4 = assertThrows(SafeTensors.SafeTensorsException.class, () -> SafeTensors.open(badType));
        assertTrue(e4.getMessage().contains("C64"), e4.getMessage());
    }

    private static void writeRaw(Path file, String json, byte[] data) throws IOException {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(header.length).put(header).put(data);
        Files.write(file, buf.array());
    }
}
