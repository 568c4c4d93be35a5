package io.dinostream.trainer.data;

import io.dinostream.embedder.image.ImageDecoder;
import io.dinostream.embedder.image.RgbImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The PNG and JPEG files of a directory (not its subdirectories), in file-name order, decoded on access.
 * Unlabelled. Spec: {@code dir:PATH}.
 */
public final class ImageDirectory implements ImageDataset {
    private final Path dir;
    private final List<Path> files;
    private final ImageDecoder decoder = new ImageDecoder();

    private ImageDirectory(Path dir, List<Path> files) {
        this.dir = dir;
        this.files = files;
    }

    public static ImageDirectory open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("no such directory: " + dir);
        }
        try (Stream<Path> listing = Files.list(dir)) {
            List<Path> files = listing.filter(ImageDirectory::isImage).sorted().toList();
            if (files.isEmpty()) {
                throw new IOException(dir + " holds no .png, .jpg or .jpeg file");
            }
            return new ImageDirectory(dir, files);
        }
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(file) && (name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg"));
    }

    /** The file behind image {@code index}. */
    public Path file(int index) {
        return files.get(index);
    }

    /** The file name. */
    @Override
    public String name(int index) {
        return files.get(index).getFileName().toString();
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public RgbImage image(int index) {
        Path file = files.get(index);
        try {
            return decoder.decode(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot decode " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int label(int index) {
        return -1;
    }

    @Override
    public String describe() {
        return "dir:" + dir + " (" + size() + " images)";
    }
}
