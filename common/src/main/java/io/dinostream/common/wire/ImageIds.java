package io.dinostream.common.wire;

import java.util.regex.Pattern;

/**
 * Image ids: 1 to 200 characters from {@code [A-Za-z0-9._:-]}, not starting with a dot. Ids travel in
 * URLs, file names and keys, so anything that could traverse a path or need escaping is rejected.
 */
public final class ImageIds {
    public static final int MAX_LENGTH = 200;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_:\\-][A-Za-z0-9._:\\-]{0,199}");

    private ImageIds() {}

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    /** Returns {@code id} or throws with the reason it is invalid. */
    public static String requireValid(String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException("invalid image id '" + id + "': expected 1-" + MAX_LENGTH
                    + " characters from [A-Za-z0-9._:-], not starting with '.'");
        }
        return id;
    }

    /** Turns an arbitrary name (a file path, say) into a valid id. */
    public static String sanitize(String name) {
        String cleaned = name.replaceAll("[^A-Za-z0-9._:\\-]", "_");
        while (cleaned.startsWith(".")) {
            cleaned = cleaned.substring(1);
        }
        if (cleaned.isEmpty()) {
            cleaned = "_";
        }
        return cleaned.length() > MAX_LENGTH ? cleaned.substring(cleaned.length() - MAX_LENGTH) : cleaned;
    }
}
