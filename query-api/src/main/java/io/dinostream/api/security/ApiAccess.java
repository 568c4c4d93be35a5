package io.dinostream.api.security;

import io.dinostream.common.config.DinostreamConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Who may call the API and how often: the accepted keys, whether reads are public, the per-caller rate
 * limit and the per-request timeout.
 *
 * @param keys the accepted API keys
 * @param publicRead whether search and look-ups need no key
 * @param ratePerSecond requests per second per caller, 0 for no limit
 * @param requestTimeout longest time a request may take
 */
public record ApiAccess(ApiKeys keys, boolean publicRead, double ratePerSecond, Duration requestTimeout) {
    /** No authentication, no rate limit: for tests and trusted embedding only, never from configuration. */
    public static final ApiAccess UNRESTRICTED = new ApiAccess(ApiKeys.none(), true, 0, Duration.ofMinutes(5));

    /** Whether routes that need {@code role} check a key. Writes and admin always do (unless unrestricted). */
    public boolean requiresKey(Role role) {
        if (this == UNRESTRICTED) {
            return false;
        }
        return role != Role.READ || !publicRead;
    }

    /** The access of a configuration, and the secret of a key generated because none was configured. */
    public record Loaded(ApiAccess access, Optional<String> generatedSecret) {}

    /**
     * Keys from {@code api.keys.file} and the environment variable {@value ApiKeys#ENV}; with neither, a
     * fresh admin key (secure by default: the caller shows its secret once).
     *
     * @throws IllegalArgumentException if the key file cannot be read or an entry is malformed
     */
    public static Loaded fromConfig(DinostreamConfig config) {
        ApiKeys keys = ApiKeys.none();
        String file = config.getString(DinostreamConfig.API_KEYS_FILE);
        if (!file.isBlank()) {
            try {
                keys = keys.plus(ApiKeys.parse(Files.readString(Path.of(file)), "API key file " + file));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the API key file " + file + ": " + e.getMessage(), e);
            }
        }
        String env = System.getenv(ApiKeys.ENV);
        if (env != null && !env.isBlank()) {
            keys = keys.plus(ApiKeys.parse(env, "environment variable " + ApiKeys.ENV));
        }
        Optional<String> generated = Optional.empty();
        if (keys.isEmpty()) {
            ApiKeys.Generated fresh = ApiKeys.generate("generated-admin");
            keys = fresh.keys();
            generated = Optional.of(fresh.secret());
        }
        ApiAccess access = new ApiAccess(
                keys,
                config.getBoolean(DinostreamConfig.API_PUBLIC_READ),
                config.getDouble(DinostreamConfig.API_RATE_LIMIT),
                Duration.ofMillis(config.getInt(DinostreamConfig.API_REQUEST_TIMEOUT_MS)));
        return new Loaded(access, generated);
    }
}
