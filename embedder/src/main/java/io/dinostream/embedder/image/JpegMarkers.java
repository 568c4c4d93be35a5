package io.dinostream.embedder.image;

/**
 * Finds marker segments of a JPEG before its first scan (SOS). Bounds-checked, never throws: anything
 * malformed reads as "not found".
 */
final class JpegMarkers {
    /** No Adobe APP14 segment. */
    static final int NO_ADOBE = -1;

    private static final byte[] ADOBE = {'A', 'd', 'o', 'b', 'e'};

    private JpegMarkers() {}

    /**
     * The first segment with the given marker (e.g. {@code 0xE1} for APP1) whose data starts with
     * {@code prefix}, as {@code {dataStart, dataEnd}} offsets into {@code jpeg}; null if there is none.
     */
    static int[] find(byte[] jpeg, int marker, byte[] prefix) {
        if (jpeg == null || jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
            return null;
        }
        int pos = 2;
        while (pos + 4 <= jpeg.length) {
            if ((jpeg[pos] & 0xFF) != 0xFF) {
                return null; // not at a marker: give up rather than guess
            }
            int current = jpeg[pos + 1] & 0xFF;
            if (current == 0xFF) {
                pos++; // fill byte
                continue;
            }
            if (current == 0xDA || current == 0xD9) {
                return null; // start of scan or end of image
            }
            if (current == 0x01 || (current >= 0xD0 && current <= 0xD7)) {
                pos += 2; // markers without a length
                continue;
            }
            int length = ((jpeg[pos + 2] & 0xFF) << 8) | (jpeg[pos + 3] & 0xFF);
            int data = pos + 4;
            int end = pos + 2 + length;
            if (length < 2 || end > jpeg.length) {
                return null;
            }
            if (current == marker && startsWith(jpeg, data, end, prefix)) {
                return new int[] {data, end};
            }
            pos = end;
        }
        return null;
    }

    /**
     * The colour transform byte of the Adobe APP14 segment (0 none/CMYK, 1 YCbCr, 2 YCCK), or
     * {@link #NO_ADOBE}.
     */
    static int adobeTransform(byte[] jpeg) {
        int[] segment = find(jpeg, 0xEE, ADOBE);
        if (segment == null || segment[1] - segment[0] < 12) {
            return NO_ADOBE;
        }
        return jpeg[segment[0] + 11] & 0xFF;
    }

    private static boolean startsWith(byte[] bytes, int start, int end, byte[] prefix) {
        if (end - start < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[start + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
