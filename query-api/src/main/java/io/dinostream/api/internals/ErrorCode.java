package io.dinostream.api.internals;

/**
 * Every error the API answers with: the HTTP status and the stable {@code code} clients match on. The
 * table in {@code docs/api.md} lists the same rows; {@code ErrorCodeDocTest} keeps the two in step.
 */
public enum ErrorCode {
    INVALID_K(400, "invalid_k"),
    INVALID_ID(400, "invalid_id"),
    EMPTY_BODY(400, "empty_body"),
    MISSING_IMAGE_FIELD(400, "missing_image_field"),
    MALFORMED_REQUEST(400, "malformed_request"),
    INVALID_METADATA(400, "invalid_metadata"),
    INVALID_VECTOR(400, "invalid_vector"),
    INVALID_FILTER(400, "invalid_filter"),
    UNKNOWN_MODEL(400, "unknown_model"),
    INVALID_SIZE(400, "invalid_size"),
    INVALID_REQUEST(400, "invalid_request"),
    UNAUTHORIZED(401, "unauthorized"),
    FORBIDDEN(403, "forbidden"),
    IMAGE_NOT_FOUND(404, "image_not_found"),
    IMAGE_BYTES_UNAVAILABLE(404, "image_bytes_unavailable"),
    ROUTE_NOT_FOUND(404, "route_not_found"),
    MODEL_VERSION_NOT_FOUND(404, "model_version_not_found"),
    METHOD_NOT_ALLOWED(405, "method_not_allowed"),
    IMAGE_NOT_EMBEDDED(409, "image_not_embedded"),
    MODEL_STATE_CONFLICT(409, "model_state_conflict"),
    BODY_TOO_LARGE(413, "body_too_large"),
    TOO_MANY_PIXELS(413, "too_many_pixels"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
    UNSUPPORTED_IMAGE_FORMAT(415, "unsupported_image_format"),
    UNDECODABLE_IMAGE(422, "undecodable_image"),
    REJECTED_IMAGE(422, "rejected_image"),
    RATE_LIMITED(429, "rate_limited"),
    INTERNAL_ERROR(500, "internal_error"),
    INGEST_UNAVAILABLE(503, "ingest_unavailable"),
    REGISTRY_UNAVAILABLE(503, "registry_unavailable"),
    REQUEST_TIMEOUT(503, "request_timeout");

    private final int status;
    private final String code;

    ErrorCode(int status, String code) {
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The exception that makes the failure handler answer with this code and {@code message}. */
    public ApiException exception(String message) {
        return new ApiException(this, message);
    }
}
