package io.dinostream.api.internals;

import io.dinostream.common.wire.ImageIds;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Parsing and validation of path and query parameters; a bad value becomes a 400 {@link ApiException}. */
final class RequestParams {
    static final int DEFAULT_K = 10;
    static final int MAX_K = 1000;
    static final int DEFAULT_THUMBNAIL = 128;
    static final int MIN_THUMBNAIL = 16;
    static final int MAX_THUMBNAIL = 512;

    private RequestParams() {}

    /** The {@code k} query parameter: absent means {@value #DEFAULT_K}; else an integer in [1, {@value #MAX_K}]. */
    static int k(RoutingContext ctx) {
        List<String> values = ctx.queryParam("k");
        if (values.isEmpty()) {
            return DEFAULT_K;
        }
        if (values.size() > 1) {
            throw ErrorCode.INVALID_K.exception("k must be given at most once, got " + values.size() + " values");
        }
        return parseK(values.get(0));
    }

    static int parseK(String raw) {
        String trimmed = raw.trim();
        int k;
        try {
            k = Integer.parseInt(trimmed);
        } catch (NumberFormatException e) {
            throw ErrorCode.INVALID_K.exception("k must be an integer in [1, " + MAX_K + "], got '" + clip(raw) + "'");
        }
        if (k < 1 || k > MAX_K) {
            throw ErrorCode.INVALID_K.exception("k must be in [1, " + MAX_K + "], got " + k);
        }
        return k;
    }

    /** The {@code size} query parameter of a thumbnail: absent means {@value #DEFAULT_THUMBNAIL}; else in [16, 512]. */
    static int thumbnailSize(RoutingContext ctx) {
        List<String> values = ctx.queryParam("size");
        if (values.isEmpty()) {
            return DEFAULT_THUMBNAIL;
        }
        String raw = values.get(0).trim();
        int size;
        try {
            size = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            size = -1;
        }
        if (values.size() > 1 || size < MIN_THUMBNAIL || size > MAX_THUMBNAIL) {
            throw ErrorCode.INVALID_SIZE.exception("size must be one integer in [" + MIN_THUMBNAIL + ", "
                    + MAX_THUMBNAIL + "], got '" + clip(String.join(",", values)) + "'");
        }
        return size;
    }

    /** The {@code id} path parameter, checked with {@link ImageIds}. */
    static String imageId(RoutingContext ctx) {
        return requireImageId(ctx.pathParam("id"));
    }

    /** An image id from a path or a body, checked. */
    static String requireImageId(String id) {
        if (!ImageIds.isValid(id)) {
            throw ErrorCode.INVALID_ID.exception("invalid image id '" + clip(id) + "': expected 1-"
                    + ImageIds.MAX_LENGTH + " characters from [A-Za-z0-9._:-], not starting with '.'");
        }
        return id;
    }

    /** A client value shortened for an error message. */
    static String clip(String value) {
        if (value == null) {
            return "";
        }
        return value.length() <= 64 ? value : value.substring(0, 64) + "...";
    }
}
