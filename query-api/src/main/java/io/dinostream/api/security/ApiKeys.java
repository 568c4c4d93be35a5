package io.dinostream.api.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API keys a server accepts, each with a name and a {@link Role}. Only SHA-256 digests of the secrets
 * are kept for look-ups; the one exception is the secret of the first admin key, kept to authenticate this
 * instance's own calls to the other instances of a cluster (they share the key set). Secrets never appear
 * in {@link #toString()} or logs.
 *
 * <p>Text format (a file, or the environment variable {@value #ENV} with entries separated by commas):
 * one key per line as {@code name:role:secret}; blank lines and lines starting with {@code #} are
 * ignored; secrets have at least {@value #MIN_SECRET_LENGTH} characters.
 */
public final class ApiKeys {
    /** Environment variable read for keys, besides the file. */
    public static final String ENV = "DINOSTREAM_API_KEYS";

    public static final int MIN_SECRET_LENGTH = 16;

    /** One accepted key, without its secret. */
    public record Key(String name, Role role) {}

    private final Map<String, Key> byDigest;
    private final String clusterSecret;

    private ApiKeys(Map<String, Key> byDigest, String clusterSecret) {
        this.byDigest = Map.copyOf(byDigest);
        this.clusterSecret = clusterSecret;
    }

    /** No keys: nothing authenticates. */
    public static ApiKeys none() {
        return new ApiKeys(Map.of(), null);
    }

    /**
     * Parses keys in the text format; {@code origin} names the source in error messages (never the
     * secret).
     *
     * @throws IllegalArgumentException for a malformed entry, an unknown role, a short or repeated secret
     */
    public static ApiKeys parse(String text, String origin) {
        Builder builder = new Builder();
        String[] lines = text.split("[\\r\\n,]+");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split(":", 3);
            if (parts.length != 3) {
                throw new IllegalArgumentException(origin + ", entry " + (i + 1) + ": expected name:role:secret");
            }
            builder.add(parts[0].trim(), Role.parse(parts[1]), parts[2].trim(), origin + ", entry " + (i + 1));
        }
        return builder.build();
    }

    /** These keys and {@code other}'s. */
    public ApiKeys plus(ApiKeys other) {
        Map<String, Key> all = new HashMap<>(byDigest);
        all.putAll(other.byDigest);
        return new ApiKeys(all, clusterSecret != null ? clusterSecret : other.clusterSecret);
    }

    /** A fresh random admin key named {@code name}; the secret is returned once, to be shown to the user. */
    public static Generated generate(String name) {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String secret = "ds_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Builder builder = new Builder();
        builder.add(name, Role.ADMIN, secret, "generated key");
        return new Generated(builder.build(), secret);
    }

    /** A generated key set and its one secret. */
    public record Generated(ApiKeys keys, String secret) {}

    /** The key a presented secret belongs to, if any. */
    public Optional<Key> authenticate(String secret) {
        if (secret == null || secret.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(byDigest.get(digest(secret)));
    }

    public boolean isEmpty() {
        return byDigest.isEmpty();
    }

    public int size() {
        return byDigest.size();
    }

    /** The secret this instance presents to the other instances of its cluster (an admin key), if any. */
    public Optional<String> clusterSecret() {
        return Optional.ofNullable(clusterSecret);
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        byDigest.values().forEach(k -> names.add(k.name() + "(" + k.role().label() + ")"));
        return "ApiKeys" + names;
    }

    static String digest(String secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }

    private static final class Builder {
        private final Map<String, Key> byDigest = new HashMap<>();
        private String clusterSecret;

        void add(String name, Role role, String secret, String where) {
            if (name.isEmpty()) {
                throw new IllegalArgumentException(where + ": the key has no name");
            }
            if (secret.length() < MIN_SECRET_LENGTH) {
                throw new IllegalArgumentException(
                        where + " (" + name + "): the secret is shorter than " + MIN_SECRET_LENGTH + " characters");
            }
            if (byDigest.put(digest(secret), new Key(name, role)) != null) {
                throw new IllegalArgumentException(where + " (" + name + "): the same secret is listed twice");
            }
            if (role == Role.ADMIN && clusterSecret == null) {
                clusterSecret = secret;
            }
        }

        ApiKeys build() {
            return new ApiKeys(byDigest, clusterSecret);
        }
    }
}
