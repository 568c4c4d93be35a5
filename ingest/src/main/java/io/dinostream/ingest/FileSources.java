package io.dinostream.ingest;

import io.dinostream.common.wire.ImageFormat;
import io.dinostream.common.wire.ImageIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Images from a file, or from a directory searched recursively for image file extensions. */
public final class FileSources {
    private FileSources() {}

    /**
     * The images under {@code path}: the file itself (whatever its extension: its bytes are checked when
     * published), or every file with a supported image extension below the directory, in name order.
     * Ids are the path relative to the directory (or the file name), made valid.
     */
    public static List<ImageCandidate> of(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new IOException("no such file or directory: " + path);
        }
        if (!Files.isDirectory(path)) {
            return List.of(candidate(path, path.getFileName().toString()));
        }
        try (Stream<Path> files = Files.walk(path)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> ImageFormat.byFileName(file.getFileName().toString())
                            .isPresent())
                    .sorted()
                    .map(file -> candidate(file, path.relativize(file).toString()))
                    .toList();
        }
    }

    private static ImageCandidate candidate(Path file, String name) {
        String id = ImageIds.sanitize(name);
        return new ImageCandidate() {
            @Override
            public String source() {
                return file.toString();
            }

            @Override
            public ImageSubmission load(int maxBytes) throws RejectedImageException, IOException {
                long size = Files.size(file);
                if (size > maxBytes) {
                    throw new RejectedImageException(String.format(
                            "%s: %,d bytes is over the limit of %,d bytes (image.max.bytes)", file, size, maxBytes));
                }
                return new ImageSubmission(id, Files.readAllBytes(file), file.toString(), "{}");
            }
        };
    }
}
