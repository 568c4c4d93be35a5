package io.dinostream.common.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The embeddings value format: a vector as consecutive little-endian IEEE-754 float32 values. */
public final class VectorCodec {
    private VectorCodec() {}

    public static byte[] encode(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return buffer.array();
    }

    /**
     * Decodes a vector.
     *
     * @throws WireFormatException if the length is not a positive multiple of four
     */
    public static float[] decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0 || bytes.length % Float.BYTES != 0) {
            throw new WireFormatException("embedding value must be a non-empty multiple of 4 bytes, got "
                    + (bytes == null ? "null" : bytes.length + " bytes"));
        }
        float[] vector = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return vector;
    }
}
