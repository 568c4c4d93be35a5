package io.dinostream.api.internals;

import io.dinostream.embedder.image.ImageDecoder;
import io.dinostream.embedder.image.RgbImage;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Renders thumbnails: decode (through the embedder's decoder, so the same formats, EXIF orientation and
 * pixel limit apply), shrink the longest side to the requested size by repeated halving with bilinear
 * filtering (one large bilinear step would alias), encode as PNG. Images already small enough are
 * re-encoded unscaled: never enlarged. Thread-safe; CPU-bound, so callers run it on a worker.
 */
final class Thumbnails {
    private final ImageDecoder decoder;

    Thumbnails(ImageDecoder decoder) {
        this.decoder = decoder;
    }

    /** The PNG bytes of {@code image} fitted into {@code size x size}, aspect ratio kept. */
    byte[] png(byte[] image, int size) {
        RgbImage rgb = decoder.decode(image);
        BufferedImage scaled = fit(toBufferedImage(rgb), size);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(scaled, "png", out)) {
                throw new IllegalStateException("no PNG writer installed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding into memory failed", e);
        }
        return out.toByteArray();
    }

    /** The target dimensions: the longest side becomes {@code size}, never larger than the source. */
    static int[] targetSize(int width, int height, int size) {
        if (width <= size && height <= size) {
            return new int[] {width, height};
        }
        double scale = (double) size / Math.max(width, height);
        return new int[] {Math.max(1, (int) Math.round(width * scale)), Math.max(1, (int) Math.round(height * scale))};
    }

    private static BufferedImage fit(BufferedImage source, int size) {
        int[] target = targetSize(source.getWidth(), source.getHeight(), size);
        BufferedImage current = source;
        while (current.getWidth() != target[0] || current.getHeight() != target[1]) {
            int width = Math.max(target[0], current.getWidth() / 2);
            int height = Math.max(target[1], current.getHeight() / 2);
            BufferedImage next = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = next.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.drawImage(current, 0, 0, width, height, null);
            } finally {
                g.dispose();
            }
            current = next;
        }
        return current;
    }

    private static BufferedImage toBufferedImage(RgbImage rgb) {
        BufferedImage image = new BufferedImage(rgb.width(), rgb.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
        byte[] source = rgb.rgb();
        for (int i = 0; i < source.length; i += 3) {
            bgr[i] = source[i + 2];
            bgr[i + 1] = source[i + 1];
            bgr[i + 2] = source[i];
        }
        return image;
    }
}
