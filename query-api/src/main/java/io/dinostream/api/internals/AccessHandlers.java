package io.dinostream.api.internals;

import io.dinostream.api.security.ApiAccess;
import io.dinostream.api.security.ApiKeys;
import io.dinostream.api.security.RateLimiter;
import io.dinostream.api.security.Role;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * The Vert.x handlers of {@link ApiAccess}: {@link #authenticate} reads the key of every request
 * ({@code Authorization: Bearer <key>} or {@code X-Api-Key: <key>}; an unknown key is refused at once) and
 * applies the caller's rate limit; {@link #require} guards a route by role: 401 without a key, 403 with a
 * key of a lesser role. Keys are compared by digest and never logged.
 */
final class AccessHandlers {
    static final String KEY_HEADER = "X-Api-Key";
    private static final String PRINCIPAL = "dinostream.principal";

    private final ApiAccess access;
    private final RateLimiter limiter;

    AccessHandlers(ApiAccess access) {
        this.access = access;
        this.limiter = new RateLimiter(access == ApiAccess.UNRESTRICTED ? 0 : access.ratePerSecond());
    }

    /** Runs first on every request. */
    void authenticate(RoutingContext ctx) {
        Optional<String> secret = presentedKey(ctx);
        ApiKeys.Key key = null;
        if (secret.isPresent()) {
            key = access.keys().authenticate(secret.get()).orElse(null);
            if (key == null && access != ApiAccess.UNRESTRICTED) {
                ctx.response().putHeader("WWW-Authenticate", "Bearer");
                ctx.fail(ErrorCode.UNAUTHORIZED.exception("the API key is not valid"));
                return;
            }
            ctx.put(PRINCIPAL, key);
        }
        String caller = key != null
                ? "key:" + key.name()
                : "address:" + ctx.request().remoteAddress().hostAddress();
        if (!limiter.tryAcquire(caller)) {
            ctx.response().putHeader("Retry-After", Long.toString(limiter.retryAfterSeconds()));
            ctx.fail(ErrorCode.RATE_LIMITED.exception(
                    "more than " + access.ratePerSecond() + " requests per second for this caller; slow down"));
            return;
        }
        ctx.next();
    }

    /** A route guard: the caller's key must have at least {@code role}. */
    Handler<RoutingContext> require(Role role) {
        return ctx -> {
            RequestLog.noteRoute(ctx);
            if (!access.requiresKey(role)) {
                ctx.next();
                return;
            }
            ApiKeys.Key key = ctx.get(PRINCIPAL);
            if (key == null) {
                ctx.response().putHeader("WWW-Authenticate", "Bearer");
                ctx.fail(ErrorCode.UNAUTHORIZED.exception("this route needs an API key with the " + role.label()
                        + " role: send 'Authorization: Bearer <key>' or '" + KEY_HEADER + ": <key>'"));
            } else if (!key.role().allows(role)) {
                ctx.fail(ErrorCode.FORBIDDEN.exception("the key '" + key.name() + "' has the "
                        + key.role().label() + " role; this route needs " + role.label()));
            } else {
                ctx.next();
            }
        };
    }

    /** The name of the request's API key, or {@code -} for an anonymous one (for the access log). */
    static String keyName(RoutingContext ctx) {
        ApiKeys.Key key = ctx.get(PRINCIPAL);
        return key == null ? "-" : key.name();
    }

    private static Optional<String> presentedKey(RoutingContext ctx) {
        String header = ctx.request().getHeader(KEY_HEADER);
        if (header != null && !header.isBlank()) {
            return Optional.of(header.trim());
        }
        String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(authorization.substring(7).trim());
        }
        return Optional.empty();
    }
}
