package io.dinostream.api.internals;

import java.util.Objects;

/**
 * A request the API refuses, with the {@link ErrorCode} to answer and a message meant for the client (it
 * may quote the request, never server internals). Carries no stack trace: it is control flow, not a bug.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;
    private final String allow;

    public ApiException(ErrorCode errorCode, String message) {
        this(errorCode, message, null);
    }

    private ApiException(ErrorCode errorCode, String message, String allow) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
        this.allow = allow;
    }

    /** A 405 that also names the methods the path accepts (the {@code Allow} header). */
    public static ApiException methodNotAllowed(String method, String path, String allow) {
        return new ApiException(
                ErrorCode.METHOD_NOT_ALLOWED,
                "method " + method + " is not allowed on " + path + "; use " + allow,
                allow);
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    /** The value of the {@code Allow} header, or null. */
    public String allow() {
        return allow;
    }
}
