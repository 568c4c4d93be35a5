package io.dinostream.embedder.image;

import java.util.Objects;

/**
 * An 8-bit RGB image, row-major and channel-interleaved ({@code rgb[(y * width + x) * 3 + c]}), the
 * layout of a PIL {@code RGB} image and of numpy's {@code (H, W, 3)} uint8 array.
 *
 * <p>The array is shared, not copied: treat it as read-only once the image is built.
 *
 * @param width pixels per row, at least 1
 * @param height rows, at least 1
 * @param rgb {@code width * height * 3} bytes (unsigned)
 */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        Objects.requireNonNull(rgb, "rgb");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if ((long) width * height * 3 != rgb.length) {
            throw new IllegalArgumentException("expected " + ((long) width * height * 3) + " bytes for " + width + "x"
                    + height + " RGB, got " + rgb.length);
        }
    }

    /** Channel {@code c} (0 red, 1 green, 2 blue) of pixel (x, y), 0-255. */
    public int get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }

    /** Number of pixels. */
    public long pixels() {
        return (long) width * height;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RgbImage that
                && width == that.width
                && height == that.height
                && java.util.Arrays.equals(rgb, that.rgb);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + java.util.Arrays.hashCode(rgb);
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
