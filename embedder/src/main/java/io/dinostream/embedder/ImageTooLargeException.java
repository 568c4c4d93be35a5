package io.dinostream.embedder;

/**
 * An image whose header declares more pixels than the decoder accepts: refused before any pixel is decoded,
 * so a small file that would expand to gigabytes (a decompression bomb) costs nothing. A separate type
 * because callers answer it differently from a corrupt image (the API with 413, not 422).
 */
public final class ImageTooLargeException extends ImageDecodeException {
    private static final long serialVersionUID = 1L;

    private final long width;
    private final long height;
    private final long maxPixels;

    public ImageTooLargeException(String format, long width, long height, long maxPixels) {
        super(format + " image of " + width + "x" + height + " = " + (width * height) + " pixels exceeds the limit of "
                + maxPixels + " pixels (possible decompression bomb)");
        this.width = width;
        this.height = height;
        this.maxPixels = maxPixels;
    }

    public long width() {
        return width;
    }

    public long height() {
        return height;
    }

    public long maxPixels() {
        return maxPixels;
    }
}
