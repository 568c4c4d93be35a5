package io.dinostream.embedder.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.embedder.ImageDecodeException;
import io.dinostream.embedder.ImageTooLargeException;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
    final ImageDecoder decoder = new ImageDecoder();

    static int[] pixel(RgbImage image, int x, int y) {
        return new int[] {image.get(x, y, 0), image.get(x, y, 1), image.get(x, y, 2)};
    }

    static void assertNear(int[] expected, int[] actual, int tolerance) {
        for (int c = 0; c < 3; c++) {
            assertTrue(
                    Math.abs(expected[c] - actual[c]) <= tolerance,
                    "expected " + Arrays.toString(expected) + " +-" + tolerance + ", got " + Arrays.toString(actual));
        }
    }

    static BufferedImage randomRgb(Random random, int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }

    @Test
    void pngRgbIsExact() {
        BufferedImage image = randomRgb(new Random(1), 13, 7);
        RgbImage decoded = decoder.decode(TestImages.encode(image, "png"));
        assertEquals(13, decoded.width());
        assertEquals(7, decoded.height());
        for (int y = 0; y < 7; y++) {
            for (int x = 0; x < 13; x++) {
                int rgb = image.getRGB(x, y);
                assertArrayEquals(new int[] {(rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF}, pixel(decoded, x, y));
            }
        }
    }

    @Test
    void bmpAndGifAreExact() {
        BufferedImage image = randomRgb(new Random(2), 9, 5);
        RgbImage png = decoder.decode(TestImages.encode(image, "png"));
        assertEquals(png, decoder.decode(TestImages.encode(image, "bmp")));
        // GIF is palette-based: build an indexed image so the colours survive exactly.
        byte[] r = {0, (byte) 255, 10, (byte) 200};
        byte[] g = {0, 0, 20, (byte) 100};
        byte[] b = {0, 0, 30, 50};
        BufferedImage indexed =
                new BufferedImage(16, 4, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 4, r, g, b));
        for (int i = 0; i < 64; i++) {
            indexed.getRaster().setSample(i % 16, i / 16, 0, (i / 3) % 4);
        }
        // Written non-interlaced: JDK 17's GIF writer and reader disagree on the row order of interlaced
        // images this small (4 rows), so an interlaced round trip would test the JDK, not us.
        RgbImage gif = decoder.decode(TestImages.gifNonInterlaced(indexed));
        assertEquals(16, gif.width());
        assertEquals(4, gif.height());
        for (int i = 0; i < 64; i++) {
            int index = (i / 3) % 4;
            assertArrayEquals(
                    new int[] {r[index] & 0xFF, g[index] & 0xFF, b[index] & 0xFF},
                    pixel(gif, i % 16, i / 16),
                    "pixel " + i);
        }
        // The same palette as a PNG (PLTE chunk).
        RgbImage palettePng = decoder.decode(TestImages.encode(indexed, "png"));
        for (int i = 0; i < 64; i++) {
            int index = (i / 3) % 4;
            assertArrayEquals(
                    new int[] {r[index] & 0xFF, g[index] & 0xFF, b[index] & 0xFF},
                    pixel(palettePng, i % 16, i / 16),
                    "pixel " + i);
        }
    }

    @Test
    void grayIsReplicatedWithoutGammaConversion() {
        BufferedImage gray = new BufferedImage(256, 1, BufferedImage.TYPE_BYTE_GRAY);
        for (int x = 0; x < 256; x++) {
            gray.getRaster().setSample(x, 0, 0, x);
        }
        RgbImage decoded = decoder.decode(TestImages.encode(gray, "png"));
        for (int x = 0; x < 256; x++) {
            assertArrayEquals(new int[] {x, x, x}, pixel(decoded, x, 0)); // getRGB() would gamma-map these
        }
    }

    @Test
    void sixteenBitSamplesKeepTheirHighByte() {
        BufferedImage gray16 = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        gray16.getRaster().setSample(0, 0, 0, 0xABCD);
        gray16.getRaster().setSample(1, 0, 0, 0x00FF);
        RgbImage g = decoder.decode(TestImages.encode(gray16, "png"));
        assertArrayEquals(new int[] {0xAB, 0xAB, 0xAB}, pixel(g, 0, 0));
        assertArrayEquals(new int[] {0, 0, 0}, pixel(g, 1, 0));

        ComponentColorModel model = new ComponentColorModel(
                ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = model.createCompatibleWritableRaster(1, 1);
        raster.setPixel(0, 0, new int[] {0x1234, 0x8000, 0xFFFF});
        BufferedImage rgb16 = new BufferedImage(model, raster, false, null);
        assertArrayEquals(new int[] {0x12, 0x80, 0xFF}, pixel(decoder.decode(TestImages.encode(rgb16, "png")), 0, 0));
    }

    @Test
    void lowBitDepthSamplesScaleTo255() {
        assertEquals(255, ImageDecoder.to8Bit(1, 1));
        assertEquals(0x55, ImageDecoder.to8Bit(1, 2));
        assertEquals(0x11 * 7, ImageDecoder.to8Bit(7, 4));
        assertEquals(0xAB, ImageDecoder.to8Bit(0xABCD, 16));
        BufferedImage binary = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_BINARY);
        binary.getRaster().setSample(1, 0, 0, 1);
        RgbImage decoded = decoder.decode(TestImages.encode(binary, "png"));
        assertArrayEquals(new int[] {0, 0, 0}, pixel(decoded, 0, 0));
        assertArrayEquals(new int[] {255, 255, 255}, pixel(decoded, 1, 0));
    }

    @Test
    void alphaIsDroppedNotComposited() {
        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00112233); // fully transparent
        argb.setRGB(1, 0, 0x80C0D0E0); // half transparent
        RgbImage decoded = decoder.decode(TestImages.encode(argb, "png"));
        assertArrayEquals(new int[] {0x11, 0x22, 0x33}, pixel(decoded, 0, 0));
        assertArrayEquals(new int[] {0xC0, 0xD0, 0xE0}, pixel(decoded, 1, 0));

        BufferedImage grayAlpha = new BufferedImage(
                new ComponentColorModel(
                        ColorSpace.getInstance(ColorSpace.CS_GRAY),
                        true,
                        false,
                        Transparency.TRANSLUCENT,
                        DataBuffer.TYPE_BYTE),
                new ComponentColorModel(
                                ColorSpace.getInstance(ColorSpace.CS_GRAY),
                                true,
                                false,
                                Transparency.TRANSLUCENT,
                                DataBuffer.TYPE_BYTE)
                        .createCompatibleWritableRaster(1, 1),
                false,
                null);
        grayAlpha.getRaster().setPixel(0, 0, new int[] {77, 0});
        assertArrayEquals(new int[] {77, 77, 77}, pixel(decoder.decode(TestImages.encode(grayAlpha, "png")), 0, 0));
    }

    @Test
    void jpegIsCloseToTheSource() {
        RgbImage decoded = decoder.decode(TestImages.jpeg(TestImages.solid(32, 32, 0x3366CC), 1.0f));
        assertNear(new int[] {0x33, 0x66, 0xCC}, pixel(decoded, 16, 16), 3);
    }

    @Test
    void cmykJpegBecomesRgbLikePil() throws Exception {
        // Stored (Adobe, inverted) samples: C=M=Y=K=255 is "no ink" -> white; C=255,M=0,Y=0,K=255 -> red.
        WritableRaster raster = java.awt.image.Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 32, 16, 4, null);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                raster.setPixel(x, y, x < 16 ? new int[] {255, 255, 255, 255} : new int[] {255, 0, 0, 255});
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(raster, null, null), writer.getDefaultWriteParam());
        } finally {
            writer.dispose();
        }
        byte[] jpeg = out.toByteArray();
        RgbImage decoded = decoder.decode(jpeg);
        assertEquals(32, decoded.width());
        System.out.printf(
                "CMYK JPEG (Adobe transform %d): left %s, right %s%n",
                JpegMarkers.adobeTransform(jpeg),
                Arrays.toString(pixel(decoded, 4, 8)),
                Arrays.toString(pixel(decoded, 27, 8)));
        assertNear(new int[] {255, 255, 255}, pixel(decoded, 4, 8), 4);
        assertNear(new int[] {255, 0, 0}, pixel(decoded, 27, 8), 4);
    }

    @Test
    void exifOrientationIsApplied() {
        // Left half red, right half blue, 16x16 blocks so JPEG keeps them clean.
        BufferedImage image = TestImages.solid(32, 16, 0xFF0000);
        for (int y = 0; y < 16; y++) {
            for (int x = 16; x < 32; x++) {
                image.setRGB(x, y, 0x0000FF);
            }
        }
        byte[] jpeg = TestImages.jpeg(image, 1.0f);
        byte[] rotated = ExifOrientationTest.withSegment(jpeg, ExifOrientationTest.exifSegment(6, false, true));

        RgbImage upright = decoder.decode(rotated);
        assertEquals(16, upright.width());
        assertEquals(32, upright.height());
        assertNear(new int[] {255, 0, 0}, pixel(upright, 8, 8), 8); // left (red) is now on top
        assertNear(new int[] {0, 0, 255}, pixel(upright, 8, 24), 8);

        RgbImage asStored = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, false).decode(rotated);
        assertEquals(32, asStored.width());
        assertEquals(decoder.decode(jpeg), asStored);
    }

    @Test
    void rejectsImagesOverThePixelLimit() {
        byte[] png = TestImages.solidPng(100, 100, 0);
        assertEquals(100, new ImageDecoder(10_000).decode(png).width());
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> new ImageDecoder(9_999).decode(png));
        assertTrue(e.getMessage().contains("100x100"), e.getMessage());
        assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
    }

    /** A PNG whose header claims 100000 x 100000 pixels (40 GB of RGBA) followed by a tiny IDAT. */
    static byte[] pngBomb() {
        ByteBuffer ihdr = ByteBuffer.allocate(13);
        ihdr.putInt(100_000)
                .putInt(100_000)
                .put((byte) 8)
                .put((byte) 6)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void decompressionBombIsRejectedFromTheHeader() {
        ImageTooLargeException e = assertThrows(ImageTooLargeException.class, () -> decoder.decode(pngBomb()));
        assertTrue(e.getMessage().contains("100000x100000"), e.getMessage());
        assertTrue(e.getMessage().contains("decompression bomb"), e.getMessage());
        assertEquals(100_000L, e.width());
        assertEquals(decoder.maxPixels(), e.maxPixels());
        assertThrows(ImageTooLargeException.class, () -> decoder.checkHeader(pngBomb()));
    }

    @Test
    void checkHeaderReadsTheDimensionsWithoutDecoding() throws Exception {
        java.awt.image.BufferedImage image =
                new java.awt.image.BufferedImage(37, 11, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (String format : new String[] {"png", "jpg", "gif", "bmp"}) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            assertTrue(javax.imageio.ImageIO.write(image, format, out), format);
            byte[] bytes = out.toByteArray();
            assertArrayEquals(new int[] {37, 11}, decoder.checkHeader(bytes), format);
            // A header cut short is an error, not a guess.
            assertThrows(
                    ImageDecodeException.class, () -> decoder.checkHeader(java.util.Arrays.copyOf(bytes, 6)), format);
        }
        byte[] png = pngOf(image);
        assertThrows(ImageTooLargeException.class, () -> new ImageDecoder(37 * 11 - 1).checkHeader(png));
    }

    @Test
    void unsupportedFormatsAreNamed() {
        assertTrue(assertThrows(ImageDecodeException.class, () -> decoder.decode(null))
                .getMessage()
                .contains("empty"));
        assertTrue(assertThrows(ImageDecodeException.class, () -> decoder.decode(new byte[0]))
                .getMessage()
                .contains("empty"));
        byte[] webp = "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(assertThrows(ImageDecodeException.class, () -> decoder.decode(webp))
                .getMessage()
                .contains("WebP"));
        byte[] svg = "<svg xmlns='http://www.w3.org/2000/svg'/>".getBytes(StandardCharsets.UTF_8);
        assertTrue(assertThrows(ImageDecodeException.class, () -> decoder.decode(svg))
                .getMessage()
                .contains("SVG"));
        byte[] text = "hello, world".getBytes(StandardCharsets.UTF_8);
        assertTrue(assertThrows(ImageDecodeException.class, () -> decoder.decode(text))
                .getMessage()
                .contains("unsupported"));
    }

    @Test
    void truncatedImagesAreRejected() {
        BufferedImage image = randomRgb(new Random(3), 64, 64);
        for (String format : new String[] {"png", "jpeg", "gif", "bmp"}) {
            byte[] full = format.equals("jpeg")
                    ? TestImages.jpeg(image, 0.9f)
                    : TestImages.encode(format.equals("gif") ? toIndexed(image) : image, format);
            decoder.decode(full); // the complete file is fine
            byte[] half = Arrays.copyOf(full, full.length / 2);
            ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decoder.decode(half), format);
            assertTrue(
                    e.getMessage().contains("truncated") || e.getMessage().contains("corrupt"),
                    format + ": " + e.getMessage());
        }
    }

    static BufferedImage toIndexed(BufferedImage image) {
        BufferedImage indexed = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_INDEXED);
        indexed.getGraphics().drawImage(image, 0, 0, null);
        return indexed;
    }

    /**
     * Seeded fuzzing: mutated and truncated files of every format either decode or throw
     * ImageDecodeException; any other exception escaping ImageIO fails the test.
     */
    @Test
    void corruptInputNeverEscapesUnclassified() {
        Random random = new Random(20240601);
        BufferedImage image = randomRgb(random, 24, 16);
        byte[][] seeds = {
            TestImages.encode(image, "png"),
            TestImages.jpeg(image, 0.8f),
            TestImages.encode(toIndexed(image), "gif"),
            TestImages.encode(image, "bmp")
        };
        ImageDecoder small = new ImageDecoder(1_000_000);
        int decoded = 0;
        int rejected = 0;
        for (byte[] seed : seeds) {
            for (int round = 0; round < 300; round++) {
                byte[] mutated = seed.clone();
                int flips = 1 + random.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    int at = 2 + random.nextInt(mutated.length - 2); // keep the signature so the reader runs
                    mutated[at] = (byte) random.nextInt(256);
                }
                if (random.nextBoolean()) {
                    mutated = Arrays.copyOf(mutated, 4 + random.nextInt(mutated.length - 4));
                }
                try {
                    RgbImage out = small.decode(mutated);
                    assertTrue(out.pixels() <= 1_000_000);
                    decoded++;
                } catch (ImageDecodeException e) {
                    assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
                    rejected++;
                }
            }
        }
        System.out.printf("fuzz: %d decoded, %d rejected with ImageDecodeException%n", decoded, rejected);
        assertTrue(rejected > 0, "fuzzing never produced a rejected image");
    }

    private static byte[] pngOf(java.awt.image.BufferedImage image) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
