package io.dinostream.common.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Weights files stored by content: {@code DIR/sha256/<digest>.safetensors}. A file is copied in under a
 * temporary name and renamed once its digest is known, so a crash never leaves a file under a wrong
 * address, and storing the same weights twice stores them once.
 */
public final class WeightStore {
    private final Path root;

    public WeightStore(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Where the weights of this digest are (whether or not they are stored). */
    public Path path(String digest) {
        return root.resolve("sha256").resolve(digest + ".safetensors");
    }

    /** Copies a file into the store and returns its SHA-256 (hex). */
    public String put(Path file) throws IOException {
        Path dir = root.resolve("sha256");
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "incoming-", ".tmp");
        try {
            Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
            String digest = sha256(temp);
            Path target = path(digest);
            if (Files.exists(target)) {
                Files.delete(temp);
            } else {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            return digest;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** The stored file of a digest, checked against it: a missing or altered file is an error. */
    public Path verified(String digest) throws IOException {
        Path file = path(digest);
        if (!Files.isRegularFile(file)) {
            throw new IOException("weights " + digest + " are not in the store " + root);
        }
        String actual = sha256(file);
        if (!actual.equals(digest)) {
            throw new IOException("stored weights " + file + " are corrupt: their SHA-256 is " + actual);
        }
        return file;
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
