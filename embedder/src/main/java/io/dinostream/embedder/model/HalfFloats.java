package io.dinostream.embedder.model;

/**
 * Conversions between float32 and the two 16-bit float formats found in safetensors files. Java 17
 * has no {@code Float.float16ToFloat}, and DJL's PyTorch engine crashes on BF16 arrays, so both
 * directions are done here, on Java arrays, before any tensor reaches the engine.
 *
 * <p>float32 to 16-bit rounds to nearest, ties to even (as PyTorch's {@code .half()} and {@code
 * .bfloat16()} do); NaN stays NaN and overflow becomes infinity.
 */
public final class HalfFloats {
    private HalfFloats() {}

    /** IEEE 754 binary16 bits to float32 (exact). */
    public static float f16ToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            // subnormal: mant * 2^-24
            float v = mant * 0x1.0p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** float32 to IEEE 754 binary16 bits, round to nearest even. */
    public static short floatToF16(float value) {
        int f = Float.floatToRawIntBits(value);
        int sign = (f >>> 16) & 0x8000;
        int exp = (f >>> 23) & 0xff;
        int mant = f & 0x7fffff;
        if (exp == 0xff) {
            // inf or NaN (keep NaN quiet and non-zero)
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign; // underflows to zero (even after rounding)
            }
            // subnormal half: shift the full significand (with hidden bit)
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >>> shift;
            int rem = m & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rem > halfway || (rem == halfway && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
            half++; // may carry into the exponent, up to infinity: correct
        }
        return (short) (sign | half);
    }

    /** bfloat16 bits to float32 (exact: bf16 is the top half of a float32). */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** float32 to bfloat16 bits, round to nearest even. */
    public static short floatToBf16(float value) {
        int f = Float.floatToRawIntBits(value);
        if ((f & 0x7f800000) == 0x7f800000 && (f & 0x7fffff) != 0) {
            return (short) ((f >>> 16) | 0x40); // quiet NaN
        }
        int lsb = (f >>> 16) & 1;
        int rounded = f + 0x7fff + lsb;
        return (short) (rounded >>> 16);
    }
}
