package io.dinostream.common.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class VectorCodecTest {
    @Test
    void encodesLittleEndianFloat32() {
        byte[] bytes = VectorCodec.encode(new float[] {1.0f, -2.5f});
        // 1.0f = 0x3F800000, -2.5f = 0xC0200000, least significant byte first.
        assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3F, 0, 0, 0x20, (byte) 0xC0}, bytes);
    }

    @Test
    void roundTrips() {
        float[] vector = {0.1f, Float.MIN_VALUE, -0f, 3.4e38f};
        assertArrayEquals(vector, VectorCodec.decode(VectorCodec.encode(vector)));
    }

    @Test
    void rejectsLengthsThatAreNotWholeFloats() {
        WireFormatException e = assertThrows(WireFormatException.class, () -> VectorCodec.decode(new byte[5]));
        assertEquals("embedding value must be a non-empty multiple of 4 bytes, got 5 bytes", e.getMessage());
        assertThrows(WireFormatException.class, () -> VectorCodec.decode(new byte[0]));
        assertThrows(WireFormatException.class, () -> VectorCodec.decode(null));
    }
}
