package io.dinostream.api;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/**
 * Real encoded images for API tests, and the broken ones real clients send: truncated, corrupt, and
 * headers that declare enormous dimensions (decompression bombs) on a file of a few hundred bytes.
 */
final class TestImages {
    private TestImages() {}

    /** A {@code width x height} image of one colour with seeded noise (so it does not compress to nothing). */
    static BufferedImage solid(int width, int height, int rgb, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int noise = random.nextInt(9) - 4;
                int r = clamp(((rgb >> 16) & 0xFF) + noise);
                int g = clamp(((rgb >> 8) & 0xFF) + noise);
                int b = clamp((rgb & 0xFF) + noise);
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }

    static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] png(int width, int height, int rgb) {
        return encode(solid(width, height, rgb, rgb), "png");
    }

    static byte[] truncated(byte[] image) {
        return Arrays.copyOf(image, image.length / 2);
    }

    /** A PNG whose compressed data is damaged (its chunk checksum no longer matches). */
    static byte[] corruptPng(byte[] png) {
        byte[] copy = png.clone();
        for (int i = copy.length / 2; i < copy.length / 2 + 16; i++) {
            copy[i] ^= 0x5A;
        }
        return copy;
    }

    /** A valid PNG header declaring {@code side x side} pixels, with one tiny IDAT: 70-odd bytes. */
    static byte[] pngBomb(int side) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(side).putInt(side);
        ihdr.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** A real baseline JPEG whose frame header (SOF0) is rewritten to declare 65500 x 65500 pixels. */
    static byte[] jpegBomb() {
        byte[] jpeg = encode(solid(16, 16, 0x808080, 1), "jpg");
        for (int i = 2; i + 9 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xC0) {
                // FF C0, length (2), precision (1), height (2), width (2)
                ByteBuffer.wrap(jpeg, i + 5, 4).putShort((short) 65500).putShort((short) 65500);
                return jpeg;
            }
        }
        throw new IllegalStateException("no SOF0 marker in the encoded JPEG");
    }

    /** A real GIF whose logical screen and image descriptor declare 65535 x 65535 pixels. */
    static byte[] gifBomb() {
        byte[] gif = encode(solid(16, 16, 0x808080, 2), "gif");
        ByteBuffer.wrap(gif, 6, 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) -1)
                .putShort((short) -1);
        for (int i = 13; i + 9 < gif.length; i++) {
            if (gif[i] == 0x2C) { // image separator: left (2), top (2), width (2), height (2)
                ByteBuffer.wrap(gif, i + 5, 4)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putShort((short) -1)
                        .putShort((short) -1);
                break;
            }
        }
        return gif;
    }

    /** A real BMP whose info header declares 100000 x 100000 pixels. */
    static byte[] bmpBomb() {
        byte[] bmp = encode(solid(16, 16, 0x808080, 3), "bmp");
        ByteBuffer.wrap(bmp, 18, 8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(100_000)
                .putInt(100_000);
        return bmp;
    }

    static byte[] svg() {
        return "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>"
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] webp() {
        return "RIFF\u0024\0\0\0WEBPVP8 \u0018\0\0\0".getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
