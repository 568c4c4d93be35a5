package io.dinostream.common.wire;

import java.util.Optional;

/**
 * The image formats dinostream accepts, recognised by their leading bytes (never by a file name or a
 * declared content type alone).
 */
public enum ImageFormat {
    PNG("image/png", "png"),
    JPEG("image/jpeg", "jpg", "jpeg"),
    GIF("image/gif", "gif"),
    BMP("image/bmp", "bmp");

    private final String contentType;
    private final String[] extensions;

    ImageFormat(String contentType, String... extensions) {
        this.contentType = contentType;
        this.extensions = extensions;
    }

    public String contentType() {
        return contentType;
    }

    /** True if a file name ends with one of this format's extensions (case-insensitive). */
    public boolean matchesFileName(String fileName) {
        String lower = fileName.toLowerCase(java.util.Locale.ROOT);
        for (String extension : extensions) {
            if (lower.endsWith("." + extension)) {
                return true;
            }
        }
        return false;
    }

    /** Any supported format whose extension the file name has. */
    public static Optional<ImageFormat> byFileName(String fileName) {
        for (ImageFormat format : values()) {
            if (format.matchesFileName(fileName)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }

    /** The format the bytes start with, if supported. */
    public static Optional<ImageFormat> sniff(byte[] bytes) {
        if (bytes == null) {
            return Optional.empty();
        }
        if (startsWith(bytes, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Optional.of(PNG);
        }
        if (startsWith(bytes, 0xFF, 0xD8, 0xFF)) {
            return Optional.of(JPEG);
        }
        if (startsWith(bytes, 'G', 'I', 'F', '8')) {
            return Optional.of(GIF);
        }
        if (startsWith(bytes, 'B', 'M') && bytes.length >= 26) {
            return Optional.of(BMP);
        }
        return Optional.empty();
    }

    /** A short description of what the bytes look like, for error messages about unsupported input. */
    public static String describe(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return "empty input";
        }
        if (startsWith(bytes, 'R', 'I', 'F', 'F') && bytes.length >= 12 && bytes[8] == 'W' && bytes[9] == 'E') {
            return "WebP (not supported)";
        }
        String head = new String(bytes, 0, Math.min(bytes.length, 256), java.nio.charset.StandardCharsets.ISO_8859_1)
                .trim()
                .toLowerCase(java.util.Locale.ROOT);
        if (head.startsWith("<?xml") || head.startsWith("<svg")) {
            return "SVG/XML (not supported)";
        }
        return sniff(bytes).map(ImageFormat::name).orElse("unknown format (not PNG, JPEG, GIF or BMP)");
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
