package io.dinostream.embedder.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class ExifOrientationTest {
    /** A minimal APP1 Exif segment with IFD0 holding one or two entries, orientation among them. */
    static byte[] exifSegment(int orientation, boolean littleEndian, boolean orientationSecond) {
        ByteArrayOutputStream tiff = new ByteArrayOutputStream();
        java.util.function.IntConsumer u16 = v -> {
            if (littleEndian) {
                tiff.write(v & 0xFF);
                tiff.write((v >> 8) & 0xFF);
            } else {
                tiff.write((v >> 8) & 0xFF);
                tiff.write(v & 0xFF);
            }
        };
        java.util.function.LongConsumer u32 = v -> {
            if (littleEndian) {
                u16.accept((int) (v & 0xFFFF));
                u16.accept((int) (v >>> 16));
            } else {
                u16.accept((int) (v >>> 16));
                u16.accept((int) (v & 0xFFFF));
            }
        };
        tiff.writeBytes(littleEndian ? new byte[] {'I', 'I'} : new byte[] {'M', 'M'});
        u16.accept(42);
        u32.accept(8);
        u16.accept(orientationSecond ? 2 : 1);
        if (orientationSecond) { // ImageWidth LONG 1 = 640
            u16.accept(0x0100);
            u16.accept(4);
            u32.accept(1);
            u32.accept(640);
        }
        u16.accept(0x0112);
        u16.accept(3);
        u32.accept(1);
        u16.accept(orientation);
        u16.accept(0);
        u32.accept(0); // no next IFD
        byte[] body = tiff.toByteArray();
        ByteArrayOutputStream segment = new ByteArrayOutputStream();
        segment.write(0xFF);
        segment.write(0xE1);
        int length = 2 + 6 + body.length;
        segment.write(length >> 8);
        segment.write(length & 0xFF);
        segment.writeBytes(new byte[] {'E', 'x', 'i', 'f', 0, 0});
        segment.writeBytes(body);
        return segment.toByteArray();
    }

    /** {@code jpeg} with {@code segment} inserted right after SOI. */
    static byte[] withSegment(byte[] jpeg, byte[] segment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.writeBytes(segment);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    static final byte[] SOI_EOI = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9};

    @Test
    void readsEveryOrientationInBothByteOrders() {
        for (int o = 1; o <= 8; o++) {
            assertEquals(o, ExifOrientation.read(withSegment(SOI_EOI, exifSegment(o, true, false))));
            assertEquals(o, ExifOrientation.read(withSegment(SOI_EOI, exifSegment(o, false, true))));
        }
    }

    @Test
    void missingOrMalformedMeansNormal() {
        assertEquals(1, ExifOrientation.read(null));
        assertEquals(1, ExifOrientation.read(new byte[0]));
        assertEquals(1, ExifOrientation.read(SOI_EOI));
        assertEquals(1, ExifOrientation.read(new byte[] {(byte) 0x89, 'P', 'N', 'G'}));
        assertEquals(1, ExifOrientation.read(withSegment(SOI_EOI, exifSegment(9, true, false)))); // out of range
        byte[] segment = exifSegment(6, true, false);
        for (int cut = 1; cut < segment.length; cut++) { // every truncation of the segment
            byte[] truncated = java.util.Arrays.copyOf(withSegment(SOI_EOI, segment), 2 + cut);
            assertEquals(1, ExifOrientation.read(truncated), "cut at " + cut);
        }
        byte[] badMagic = segment.clone();
        badMagic[4 + 6 + 2] = 43; // TIFF magic 42 -> 43
        assertEquals(1, ExifOrientation.read(withSegment(SOI_EOI, badMagic)));
    }

    /** A 3x2 image whose pixel (x, y) has red = 10 * (y * 3 + x) + 1. */
    static RgbImage numbered() {
        byte[] rgb = new byte[3 * 2 * 3];
        for (int i = 0; i < 6; i++) {
            rgb[3 * i] = (byte) (10 * i + 1);
        }
        return new RgbImage(3, 2, rgb);
    }

    static int[] reds(RgbImage image) {
        int[] out = new int[image.width() * image.height()];
        for (int i = 0; i < out.length; i++) {
            out[i] = image.rgb()[3 * i] & 0xFF;
        }
        return out;
    }

    @Test
    void appliesAllEightTransforms() {
        // stored:  1 11 21 / 31 41 51
        RgbImage image = numbered();
        assertSame(image, ExifOrientation.apply(image, 1));
        assertArrayEquals(new int[] {21, 11, 1, 51, 41, 31}, reds(ExifOrientation.apply(image, 2)));
        assertArrayEquals(new int[] {51, 41, 31, 21, 11, 1}, reds(ExifOrientation.apply(image, 3)));
        assertArrayEquals(new int[] {31, 41, 51, 1, 11, 21}, reds(ExifOrientation.apply(image, 4)));
        // 2 wide, 3 high from here on
        assertArrayEquals(new int[] {1, 31, 11, 41, 21, 51}, reds(ExifOrientation.apply(image, 5)));
        assertArrayEquals(new int[] {31, 1, 41, 11, 51, 21}, reds(ExifOrientation.apply(image, 6))); // 90 cw
        assertArrayEquals(new int[] {51, 21, 41, 11, 31, 1}, reds(ExifOrientation.apply(image, 7)));
        assertArrayEquals(new int[] {21, 51, 11, 41, 1, 31}, reds(ExifOrientation.apply(image, 8))); // 90 ccw
        assertEquals(2, ExifOrientation.apply(image, 6).width());
        assertEquals(3, ExifOrientation.apply(image, 6).height());
        assertThrows(IllegalArgumentException.class, () -> ExifOrientation.apply(image, 0));
    }
}
