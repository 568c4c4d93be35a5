package io.dinostream.api.security;

import java.util.Locale;

/** What an API key may do; each role includes the ones before it. */
public enum Role {
    /** Search and look-ups. */
    READ,
    /** Also {@code PUT} and {@code DELETE} of images. */
    WRITE,
    /** Also the administrative and cluster-internal routes. */
    ADMIN;

    /** Whether a key of this role may call a route that needs {@code required}. */
    public boolean allows(Role required) {
        return ordinal() >= required.ordinal();
    }

    /**
     * @throws IllegalArgumentException for anything but read, write or admin (any case)
     */
    public static Role parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown role '" + text + "': expected read, write or admin", e);
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
