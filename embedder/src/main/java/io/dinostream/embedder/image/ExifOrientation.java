package io.dinostream.embedder.image;

/**
 * The EXIF orientation of a JPEG (tag 0x0112 in IFD0 of the APP1 {@code Exif} segment) and the transform
 * that turns stored pixels into the upright image, as PIL's {@code ImageOps.exif_transpose} does.
 *
 * <p>The parser reads only the segment headers before the first scan and never throws: a missing,
 * truncated or malformed EXIF block means orientation 1 (as stored).
 */
public final class ExifOrientation {
    /** Stored pixels are upright. */
    public static final int NORMAL = 1;

    private static final int TAG_ORIENTATION = 0x0112;
    private static final int TYPE_SHORT = 3;
    private static final byte[] EXIF = {'E', 'x', 'i', 'f', 0, 0};

    private ExifOrientation() {}

    /**
     * The orientation, 1 to 8, of a JPEG; 1 when the bytes are not a JPEG or carry no valid orientation.
     */
    public static int read(byte[] jpeg) {
        int[] segment = JpegMarkers.find(jpeg, 0xE1, EXIF);
        return segment == null ? NORMAL : fromTiff(jpeg, segment[0] + EXIF.length, segment[1]);
    }

    /** Reads the orientation from a TIFF structure occupying {@code b[start, end)}. */
    private static int fromTiff(byte[] b, int start, int end) {
        if (end - start < 8) {
            return NORMAL;
        }
        boolean little;
        if (b[start] == 'I' && b[start + 1] == 'I') {
            little = true;
        } else if (b[start] == 'M' && b[start + 1] == 'M') {
            little = false;
        } else {
            return NORMAL;
        }
        if (u16(b, start + 2, little) != 42) {
            return NORMAL;
        }
        long ifd = u32(b, start + 4, little);
        if (ifd < 8 || ifd > end - start - 2) {
            return NORMAL;
        }
        int ifdPos = start + (int) ifd;
        int count = u16(b, ifdPos, little);
        for (int i = 0; i < count; i++) {
            int entry = ifdPos + 2 + 12 * i;
            if (entry + 12 > end) {
                return NORMAL;
            }
            if (u16(b, entry, little) == TAG_ORIENTATION) {
                if (u16(b, entry + 2, little) != TYPE_SHORT || u32(b, entry + 4, little) != 1) {
                    return NORMAL;
                }
                int value = u16(b, entry + 8, little);
                return value >= 1 && value <= 8 ? value : NORMAL;
            }
        }
        return NORMAL;
    }

    private static int u16(byte[] b, int pos, boolean little) {
        int b0 = b[pos] & 0xFF;
        int b1 = b[pos + 1] & 0xFF;
        return little ? b0 | (b1 << 8) : (b0 << 8) | b1;
    }

    private static long u32(byte[] b, int pos, boolean little) {
        long lo = u16(b, little ? pos : pos + 2, little);
        long hi = u16(b, little ? pos + 2 : pos, little);
        return (hi << 16) | lo;
    }

    /**
     * The upright image for a stored image with the given orientation: 2 mirror left-right, 3 rotate
     * 180, 4 mirror top-bottom, 5 transpose, 6 rotate 90 clockwise, 7 transverse, 8 rotate 90
     * counter-clockwise. Orientation 1 returns {@code image} itself.
     *
     * @throws IllegalArgumentException if {@code orientation} is not 1 to 8
     */
    public static RgbImage apply(RgbImage image, int orientation) {
        if (orientation < 1 || orientation > 8) {
            throw new IllegalArgumentException("EXIF orientation must be 1-8, got " + orientation);
        }
        if (orientation == NORMAL) {
            return image;
        }
        int w = image.width();
        int h = image.height();
        boolean swap = orientation >= 5;
        int outW = swap ? h : w;
        int outH = swap ? w : h;
        byte[] in = image.rgb();
        byte[] out = new byte[in.length];
        int o = 0;
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> {
                        sx = w - 1 - x;
                        sy = y;
                    }
                    case 3 -> {
                        sx = w - 1 - x;
                        sy = h - 1 - y;
                    }
                    case 4 -> {
                        sx = x;
                        sy = h - 1 - y;
                    }
                    case 5 -> {
                        sx = y;
                        sy = x;
                    }
                    case 6 -> {
                        sx = y;
                        sy = h - 1 - x;
                    }
                    case 7 -> {
                        sx = w - 1 - y;
                        sy = h - 1 - x;
                    }
                    default -> { // 8
                        sx = w - 1 - y;
                        sy = x;
                    }
                }
                int i = (sy * w + sx) * 3;
                out[o++] = in[i];
                out[o++] = in[i + 1];
                out[o++] = in[i + 2];
            }
        }
        return new RgbImage(outW, outH, out);
    }
}
