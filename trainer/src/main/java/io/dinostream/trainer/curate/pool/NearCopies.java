package io.dinostream.trainer.curate.pool;

import io.dinostream.embedder.image.RgbImage;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** The alterations that turn an original into a near copy: flip, slight crop, noise, JPEG re-encoding. */
public final class NearCopies {
    private NearCopies() {}

    static RgbImage make(RgbImage original, PoolItemKind kind, Random random) {
        return switch (kind) {
            case EXACT_COPY -> new RgbImage(
                    original.width(), original.height(), original.rgb().clone());
            case FLIP -> flip(original);
            case CROP -> crop(original, 0.85 + 0.1 * random.nextDouble(), random);
            case NOISE -> noise(original, 6 + 6 * random.nextDouble(), random);
            case JPEG -> jpeg(original, 0.5f + 0.3f * random.nextFloat());
            default -> throw new IllegalArgumentException(kind + " is not a copy");
        };
    }

    /** Mirrored left to right. */
    public static RgbImage flip(RgbImage image) {
        int w = image.width();
        byte[] out = new byte[image.rgb().length];
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < w; x++) {
                System.arraycopy(image.rgb(), (y * w + x) * 3, out, (y * w + (w - 1 - x)) * 3, 3);
            }
        }
        return new RgbImage(w, image.height(), out);
    }

    /** A window of {@code side} of each dimension at a random place, resized back (bilinear). */
    static RgbImage crop(RgbImage image, double side, Random random) {
        int cw = Math.max(1, (int) Math.round(image.width() * side));
        int ch = Math.max(1, (int) Math.round(image.height() * side));
        int x0 = random.nextInt(image.width() - cw + 1);
        int y0 = random.nextInt(image.height() - ch + 1);
        BufferedImage source = toBuffered(image).getSubimage(x0, y0, cw, ch);
        BufferedImage resized = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
        var g = resized.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(source, 0, 0, image.width(), image.height(), null);
        } finally {
            g.dispose();
        }
        return fromBuffered(resized);
    }

    /** Gaussian noise of standard deviation {@code sigma} gray levels, the same in each channel. */
    static RgbImage noise(RgbImage image, double sigma, Random random) {
        byte[] in = image.rgb();
        byte[] out = new byte[in.length];
        for (int p = 0; p < in.length; p += 3) {
            double delta = random.nextGaussian() * sigma;
            for (int c = 0; c < 3; c++) {
                out[p + c] = (byte) Math.max(0, Math.min(255, (int) Math.round((in[p + c] & 0xFF) + delta)));
            }
        }
        return new RgbImage(image.width(), image.height(), out);
    }

    /** Encoded as JPEG at {@code quality} (0-1) and decoded again. */
    static RgbImage jpeg(RgbImage image, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.setOutput(out);
            writer.write(null, new IIOImage(toBuffered(image), null, null), param);
            out.flush();
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
            return fromBuffered(decoded);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG re-encoding failed", e);
        } finally {
            writer.dispose();
        }
    }

    static BufferedImage toBuffered(RgbImage image) {
        BufferedImage out = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                out.setRGB(x, y, image.get(x, y, 0) << 16 | image.get(x, y, 1) << 8 | image.get(x, y, 2));
            }
        }
        return out;
    }

    static RgbImage fromBuffered(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = image.getRGB(x, y);
                int i = (y * w + x) * 3;
                rgb[i] = (byte) (p >> 16);
                rgb[i + 1] = (byte) (p >> 8);
                rgb[i + 2] = (byte) p;
            }
        }
        return new RgbImage(w, h, rgb);
    }
}
