package io.dinostream.api.internals;

import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every request an id (the caller's {@code X-Request-Id} if it is a plain token, else a fresh
 * random one), returns it in the {@code X-Request-Id} response header and in error bodies, and writes one
 * access-log line per request as logfmt key=value pairs (logger {@value #LOGGER}): request id, method,
 * path, status, milliseconds and the API key's name, never its secret.
 */
final class RequestLog {
    static final String LOGGER = "io.dinostream.api.access";
    static final String HEADER = "X-Request-Id";
    private static final String REQUEST_ID = "dinostream.requestId";
    private static final String ROUTE = "dinostream.route";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Logger ACCESS = LoggerFactory.getLogger(LOGGER);
    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestLog() {}

    /** The first handler of every request. */
    static void start(RoutingContext ctx, io.dinostream.api.metrics.ApiMetrics metrics) {
        long started = System.nanoTime();
        String incoming = ctx.request().getHeader(HEADER);
        String id = incoming != null && ACCEPTED.matcher(incoming).matches() ? incoming : fresh();
        ctx.put(REQUEST_ID, id);
        ctx.response().putHeader(HEADER, id);
        ctx.addEndHandler(done -> metrics.recordRequest(
                route(ctx),
                ctx.request().method().name(),
                ctx.response().getStatusCode(),
                System.nanoTime() - started));
        ctx.addEndHandler(done -> ACCESS.info(
                "request id={} method={} path=\"{}\" status={} ms={} key={}",
                id,
                ctx.request().method(),
                RequestParams.clip(ctx.request().path()).replace("\"", "%22"),
                ctx.response().getStatusCode(),
                (System.nanoTime() - started) / 1_000_000,
                AccessHandlers.keyName(ctx)));
        ctx.next();
    }

    /** Remembers the template of the route a request reached, before a failure handler takes over. */
    static void noteRoute(RoutingContext ctx) {
        if (ctx.currentRoute() != null && ctx.currentRoute().getPath() != null) {
            ctx.put(ROUTE, ctx.currentRoute().getPath());
        }
    }

    private static String route(RoutingContext ctx) {
        String noted = ctx.get(ROUTE);
        if (noted != null) {
            return noted;
        }
        return ctx.currentRoute() == null || ctx.currentRoute().getPath() == null
                ? "unmatched"
                : ctx.currentRoute().getPath();
    }

    /** The id of the request being handled. */
    static String id(RoutingContext ctx) {
        String id = ctx.get(REQUEST_ID);
        return id == null ? "none" : id;
    }

    /** Seeds the random generator off the event loop. */
    static void warmUp() {
        fresh();
    }

    private static String fresh() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
