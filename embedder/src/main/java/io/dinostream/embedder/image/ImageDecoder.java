package io.dinostream.embedder.image;

import io.dinostream.common.wire.ImageFormat;
import io.dinostream.embedder.ImageDecodeException;
import io.dinostream.embedder.ImageTooLargeException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes PNG, JPEG, GIF (first frame) and BMP bytes into 8-bit RGB, matching PIL's
 * {@code Image.open(f).convert("RGB")} (what DINOv2's data pipeline does) wherever the two can agree.
 *
 * <ul>
 *   <li>The format is sniffed from the leading bytes ({@link ImageFormat#sniff}); anything else is rejected.
 *   <li>The dimensions are read from the header first; images over {@link #maxPixels()} are rejected
 *       before any pixel is decoded (decompression bombs).
 *   <li>Grayscale is replicated, palettes are looked up, alpha is dropped (not composited), 1/2/4-bit
 *       samples are scaled to 0-255, 16-bit samples keep their high byte, CMYK/YCCK JPEGs are inverted
 *       as Adobe writes them and converted with PIL's {@code cmyk2rgb} formula. No ICC profile or
 *       gamma is applied (PIL applies none either).
 *   <li>JPEG EXIF orientation is applied (when enabled), as {@code ImageOps.exif_transpose} would.
 *   <li>Every failure, including RuntimeExceptions thrown inside ImageIO and truncated JPEGs (which
 *       ImageIO only reports as a warning), becomes an {@link ImageDecodeException} with a message
 *       saying what was wrong.
 * </ul>
 *
 * <p>Thread-safe: each call uses its own {@link ImageReader}.
 */
public final class ImageDecoder {
    /** Default pixel limit: 50 megapixels, about 150 MB of RGB. */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;
    /** Upper bound for the limit itself: the RGB array must fit a Java array. */
    public static final long LARGEST_MAX_PIXELS = (Integer.MAX_VALUE - 8) / 3;

    private final long maxPixels;
    private final boolean applyExifOrientation;

    static {
        ImageIO.setUseCache(false); // never spill image streams to temporary files
    }

    /** A decoder with {@link #DEFAULT_MAX_PIXELS} that honours EXIF orientation. */
    public ImageDecoder() {
        this(DEFAULT_MAX_PIXELS, true);
    }

    /** A decoder rejecting images over {@code maxPixels} that honours EXIF orientation. */
    public ImageDecoder(long maxPixels) {
        this(maxPixels, true);
    }

    /**
     * @param maxPixels largest accepted {@code width * height}, 1 to {@link #LARGEST_MAX_PIXELS}
     * @param applyExifOrientation rotate/mirror JPEGs as their EXIF orientation tag says
     */
    public ImageDecoder(long maxPixels, boolean applyExifOrientation) {
        if (maxPixels < 1 || maxPixels > LARGEST_MAX_PIXELS) {
            throw new IllegalArgumentException(
                    "maxPixels must be between 1 and " + LARGEST_MAX_PIXELS + ", got " + maxPixels);
        }
        this.maxPixels = maxPixels;
        this.applyExifOrientation = applyExifOrientation;
    }

    public long maxPixels() {
        return maxPixels;
    }

    public boolean appliesExifOrientation() {
        return applyExifOrientation;
    }

    /**
     * Decodes an image.
     *
     * @throws ImageDecodeException if the bytes are empty, not a supported format, corrupt, truncated, or
     *     over the pixel limit
     */
    public RgbImage decode(byte[] bytes) {
        return withReader(bytes, "corrupt or truncated", (reader, format) -> {
            checkedDimensions(reader, format);
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            RgbImage image;
            if (format == ImageFormat.JPEG && !hasImageTypes(reader)) {
                // ImageIO cannot build a BufferedImage for CMYK/YCCK JPEGs, but reads their raw samples.
                image = cmykToRgb(reader.readRaster(0, null), JpegMarkers.adobeTransform(bytes));
            } else {
                image = toRgb(reader.read(0));
            }
            for (String warning : warnings) {
                String lower = warning.toLowerCase(Locale.ROOT);
                if (lower.contains("premature end") || lower.contains("truncated")) {
                    throw new ImageDecodeException("truncated " + format + " image: " + warning);
                }
            }
            if (format == ImageFormat.JPEG && applyExifOrientation) {
                image = ExifOrientation.apply(image, ExifOrientation.read(bytes));
            }
            return image;
        });
    }

    /**
     * Reads only the header: the declared {@code {width, height}}, checked as {@link #decode} checks them,
     * without decoding a pixel. For refusing a decompression bomb before it is stored or queued.
     *
     * @throws ImageDecodeException if the bytes are empty, not a supported format, or have no readable header
     * @throws ImageTooLargeException if the header declares more than {@link #maxPixels()} pixels
     */
    public int[] checkHeader(byte[] bytes) {
        return withReader(bytes, "corrupt header of", this::checkedDimensions);
    }

    /** What to do with an ImageIO reader positioned on the image. */
    @FunctionalInterface
    private interface ReaderTask<T> {
        T run(ImageReader reader, ImageFormat format) throws IOException;
    }

    /**
     * Sniffs the format, opens an ImageIO reader on the bytes and runs {@code task}; every failure becomes an
     * {@link ImageDecodeException} (its message starting with {@code failure} for ImageIO's own errors).
     */
    private static <T> T withReader(byte[] bytes, String failure, ReaderTask<T> task) {
        if (bytes == null || bytes.length == 0) {
            throw new ImageDecodeException("empty image: no bytes");
        }
        ImageFormat format = ImageFormat.sniff(bytes)
                .orElseThrow(() -> new ImageDecodeException(
                        "unsupported image format: " + ImageFormat.describe(bytes) + " (" + bytes.length + " bytes)"));
        ImageReader reader = readerFor(format);
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(input, true, true);
            return task.run(reader, format);
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageDecodeException(
                    failure + " " + format + " image (" + bytes.length + " bytes): " + describe(e), e);
        } finally {
            reader.dispose();
        }
    }

    private int[] checkedDimensions(ImageReader reader, ImageFormat format) throws IOException {
        if (format == ImageFormat.BMP) {
            // ImageIO's BMP reader refuses huge dimensions itself with a vague "Invalid width/height";
            // read them from the info header first so that a bomb is reported as one.
            checkBmpHeader(reader);
        }
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (width <= 0 || height <= 0) {
            throw new ImageDecodeException(
                    "corrupt " + format + " image: header declares " + width + "x" + height + " pixels");
        }
        if ((long) width * height > maxPixels) {
            throw new ImageTooLargeException(format.name(), width, height, maxPixels);
        }
        return new int[] {width, height};
    }

    /** Width and height of a BMP with a 40-byte-or-larger info header (little-endian; height may be negative). */
    private void checkBmpHeader(ImageReader reader) throws IOException {
        ImageInputStream input = (ImageInputStream) reader.getInput();
        java.nio.ByteOrder order = input.getByteOrder();
        input.mark();
        try {
            input.setByteOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
            input.seek(14);
            long infoSize = input.readUnsignedInt();
            if (infoSize >= 40) {
                long width = input.readInt();
                long height = Math.abs((long) input.readInt());
                if (width > 0 && height > 0 && width * height > maxPixels) {
                    throw new ImageTooLargeException(ImageFormat.BMP.name(), width, height, maxPixels);
                }
            }
        } catch (java.io.EOFException e) {
            // too short to carry an info header: ImageIO reports it
        } finally {
            input.reset();
            input.setByteOrder(order);
        }
    }

    private static ImageReader readerFor(ImageFormat format) {
        Iterator<ImageReader> readers =
                ImageIO.getImageReadersByFormatName(format.name().toLowerCase(Locale.ROOT));
        if (!readers.hasNext()) {
            throw new ImageDecodeException("no ImageIO reader installed for " + format);
        }
        return readers.next();
    }

    private static boolean hasImageTypes(ImageReader reader) throws IOException {
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        return types != null && types.hasNext();
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /** Converts any BufferedImage ImageIO produces to 8-bit RGB without colour management. */
    static RgbImage toRgb(BufferedImage image) {
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        int width = raster.getWidth();
        int height = raster.getHeight();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
        int transfer = raster.getTransferType();
        boolean integral = transfer == DataBuffer.TYPE_BYTE
                || transfer == DataBuffer.TYPE_USHORT
                || transfer == DataBuffer.TYPE_INT;
        int colorType = model.getColorSpace().getType();
        int colors = model.getNumColorComponents();
        if (model instanceof IndexColorModel palette && integral) {
            int size = palette.getMapSize();
            byte[] reds = new byte[size];
            byte[] greens = new byte[size];
            byte[] blues = new byte[size];
            palette.getReds(reds);
            palette.getGreens(greens);
            palette.getBlues(blues);
            int[] row = new int[width];
            int o = 0;
            for (int y = 0; y < height; y++) {
                raster.getSamples(0, y, width, 1, 0, row);
                for (int x = 0; x < width; x++) {
                    int index = row[x] < size ? row[x] : 0; // out-of-palette index: PIL reads garbage, we read 0
                    out[o++] = reds[index];
                    out[o++] = greens[index];
                    out[o++] = blues[index];
                }
            }
        } else if (integral && colorType == ColorSpace.TYPE_GRAY && colors == 1) {
            int bits = model.getComponentSize(0);
            int[] row = new int[width];
            int o = 0;
            for (int y = 0; y < height; y++) {
                raster.getSamples(0, y, width, 1, 0, row);
                for (int x = 0; x < width; x++) {
                    byte v = (byte) to8Bit(row[x], bits);
                    out[o++] = v;
                    out[o++] = v;
                    out[o++] = v;
                }
            }
        } else if (integral && colorType == ColorSpace.TYPE_RGB && colors == 3) {
            int[] row = new int[width];
            for (int c = 0; c < 3; c++) {
                int bits = model.getComponentSize(c);
                for (int y = 0; y < height; y++) {
                    raster.getSamples(0, y, width, 1, c, row);
                    int o = y * width * 3 + c;
                    for (int x = 0; x < width; x++, o += 3) {
                        out[o] = (byte) to8Bit(row[x], bits);
                    }
                }
            }
        } else {
            // Anything else ImageIO might produce: let Java2D convert to sRGB (colour-managed, so not
            // PIL-exact, but nothing in PNG/JPEG/GIF/BMP as ImageIO reads them should land here).
            int[] row = new int[width];
            int o = 0;
            for (int y = 0; y < height; y++) {
                image.getRGB(0, y, width, 1, row, 0, width);
                for (int x = 0; x < width; x++) {
                    int argb = row[x];
                    out[o++] = (byte) (argb >> 16);
                    out[o++] = (byte) (argb >> 8);
                    out[o++] = (byte) argb;
                }
            }
        }
        return new RgbImage(width, height, out);
    }

    /** Scales an unsigned sample of {@code bits} bits to 0-255: 16 bits keep the high byte, as PIL does. */
    static int to8Bit(int sample, int bits) {
        if (bits == 8) {
            return sample & 0xFF;
        }
        if (bits > 8) {
            return (sample >>> (bits - 8)) & 0xFF;
        }
        int max = (1 << bits) - 1;
        return (sample * 255 + max / 2) / max;
    }

    /**
     * Converts the raw 4-band raster of a CMYK or YCCK JPEG as PIL does: YCCK is first turned into CMYK
     * (libjpeg's conversion), the samples are inverted (PIL's {@code CMYK;I}, Adobe's convention, which
     * PIL assumes for every CMYK JPEG), then {@code R = (255-K) - C*(255-K)/255} with PIL's fixed-point
     * rounding.
     */
    static RgbImage cmykToRgb(Raster raster, int adobeTransform) {
        if (raster.getNumBands() != 4) {
            throw new ImageDecodeException(
                    "unsupported JPEG colour space: " + raster.getNumBands() + " components without an image type");
        }
        int width = raster.getWidth();
        int height = raster.getHeight();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
        int[] px = new int[4 * width];
        int o = 0;
        for (int y = 0; y < height; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, width, 1, px);
            for (int x = 0; x < width; x++) {
                int c = px[4 * x];
                int m = px[4 * x + 1];
                int yy = px[4 * x + 2];
                int k = px[4 * x + 3];
                if (adobeTransform == 2) {
                    // libjpeg ycck_cmyk_convert: CMY = 255 - RGB(YCbCr), K unchanged
                    int luma = c;
                    int cb = m - 128;
                    int cr = yy - 128;
                    c = 255 - clamp((int) Math.round(luma + 1.40200 * cr));
                    m = 255 - clamp((int) Math.round(luma - 0.34414 * cb - 0.71414 * cr));
                    yy = 255 - clamp((int) Math.round(luma + 1.77200 * cb));
                }
                // CMYK;I: PIL inverts all four channels.
                c = 255 - c;
                m = 255 - m;
                yy = 255 - yy;
                k = 255 - k;
                int nk = 255 - k;
                out[o++] = (byte) clamp(nk - mulDiv255(c, nk));
                out[o++] = (byte) clamp(nk - mulDiv255(m, nk));
                out[o++] = (byte) clamp(nk - mulDiv255(yy, nk));
            }
        }
        return new RgbImage(width, height, out);
    }

    private static int mulDiv255(int a, int b) {
        int tmp = a * b + 128;
        return ((tmp >> 8) + tmp) >> 8;
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
