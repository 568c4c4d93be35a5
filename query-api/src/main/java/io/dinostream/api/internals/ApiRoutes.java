package io.dinostream.api.internals;

import io.dinostream.api.ApiServerOptions;
import io.dinostream.api.ApiServices;
import io.dinostream.api.ServingVersion;
import io.dinostream.api.cluster.ClusterIndexReader;
import io.dinostream.api.security.Role;
import io.dinostream.common.wire.ImageFormat;
import io.dinostream.embedder.ImageDecodeException;
import io.dinostream.embedder.ImageEmbedder;
import io.dinostream.embedder.ImageTooLargeException;
import io.dinostream.embedder.image.ImageDecoder;
import io.dinostream.index.ImageIndexReader;
import io.dinostream.index.SearchFilter;
import io.dinostream.index.SearchHit;
import io.dinostream.index.SearchResult;
import io.dinostream.index.StoredImage;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of the API. Handlers run on the event loop; they validate the request there, hand model and
 * index calls to {@code worker}, and answer when its future completes. Every failure ends in
 * {@link #onFailure}, which answers with the JSON error body.
 */
final class ApiRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);
    private static final String JSON = "application/json; charset=utf-8";
    private static final String START_NANOS = "dinostream.startNanos";
    /** JSON search bodies carry a vector and a filter: far below this. */
    static final int JSON_MAX_BYTES = 1 << 20;

    /** The page's policy: everything from this origin, inline script and style, blob: previews. */
    private static final String PAGE_CSP = "default-src 'self'; img-src 'self' blob: data:; "
            + "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; connect-src 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private final ApiServerOptions options;
    private final ApiServices services;
    /** The model and index of each request, read once per request (a model swap flips them). */
    private final ServingVersion serving;

    private final IngestRoutes ingest;
    private final WorkerExecutor worker;
    private final Buffer page;
    private final Buffer openApi;
    private final AccessHandlers access;
    private final OpenApiGate gate;
    private final Thumbnails thumbnails;
    private final AtomicLong internalErrors = new AtomicLong();

    ApiRoutes(
            ApiServerOptions options,
            ApiServices services,
            WorkerExecutor worker,
            ApiServerImpl.StaticFiles files,
            OpenApiGate gate) {
        this.options = options;
        this.services = services;
        this.serving = services.serving();
        this.ingest = services.ingests() ? new IngestRoutes(options, services.ingest(), worker, gate) : null;
        this.worker = worker;
        this.page = files.page();
        this.openApi = files.openApi();
        this.access = new AccessHandlers(options.access());
        this.gate = gate;
        this.thumbnails = new Thumbnails(new ImageDecoder());
    }

    Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            ctx.put(START_NANOS, System.nanoTime());
            ctx.next();
        });
        router.route().handler(ctx -> RequestLog.start(ctx, services.metrics()));
        router.route()
                .handler(TimeoutHandler.create(options.access().requestTimeout().toMillis(), 503));
        router.route().handler(access::authenticate);
        Handler<RoutingContext> read = access.require(Role.READ);

        if (services.searches()) {
            router.post("/v1/search/batch").handler(read).handler(this::searchBatch);
            router.route("/v1/search/batch").handler(methodNotAllowed("POST"));
            router.post("/v1/search").handler(read).handler(this::search);
            router.route("/v1/search").handler(methodNotAllowed("POST"));

            router.get("/v1/images/:id/similar").handler(read).handler(this::similar);
            router.route("/v1/images/:id/similar").handler(methodNotAllowed("GET"));

            router.get("/v1/images/:id/meta").handler(read).handler(this::imageMeta);
            router.route("/v1/images/:id/meta").handler(methodNotAllowed("GET"));

            router.get("/v1/images/:id/thumbnail").handler(read).handler(this::thumbnail);
            router.route("/v1/images/:id/thumbnail").handler(methodNotAllowed("GET"));

            router.get("/v1/images/:id").handler(read).handler(this::image);
        } else {
            for (String path : new String[] {
                "/v1/search", "/v1/images/:id/similar", "/v1/images/:id/meta", "/v1/images/:id/thumbnail", "/"
            }) {
                router.route(path).handler(roleNotRunning("api"));
            }
        }
        if (ingest != null) {
            Handler<RoutingContext> write = access.require(Role.WRITE);
            router.put("/v1/images/:id").handler(write).handler(ingest::put);
            router.delete("/v1/images/:id").handler(write).handler(ingest::delete);
        }
        router.route("/v1/images/:id").handler(methodNotAllowed(imageMethods()));

        if (services.index() instanceof ClusterIndexReader cluster) {
            new InternalRoutes(cluster, worker).mount(router, access.require(Role.ADMIN));
        }
        if (services.models() != null) {
            new ModelRoutes(services.models(), worker).mount(router, access.require(Role.ADMIN));
        }

        router.get("/openapi.json").handler(ctx -> ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(openApi));
        router.route("/openapi.json").handler(methodNotAllowed("GET"));
        router.get("/metrics").handler(access.require(Role.READ)).handler(this::metrics);
        router.route("/metrics").handler(methodNotAllowed("GET"));
        router.get("/ready").handler(this::ready);
        router.route("/ready").handler(methodNotAllowed("GET"));

        router.get("/health").handler(this::health);
        router.route("/health").handler(methodNotAllowed("GET"));

        if (services.searches()) {
            router.get("/").handler(this::page);
            router.route("/").handler(methodNotAllowed("GET"));
        }

        router.route()
                .handler(ctx -> ctx.fail(ErrorCode.ROUTE_NOT_FOUND.exception(
                        "no route " + ctx.request().method() + " "
                                + RequestParams.clip(ctx.request().path()) + "; see docs/api.md")));

        router.route().failureHandler(this::onFailure);
        // Failures the router raises before or outside any route (a malformed path, say).
        for (int status : new int[] {400, 404, 405, 413, 415, 500, 503}) {
            router.errorHandler(status, this::onFailure);
        }
        return router;
    }

    // ---- handlers ----------------------------------------------------------------------------------

    private void search(RoutingContext ctx) {
        int k = RequestParams.k(ctx);
        gate.check(ctx, "search");
        if (isJson(ctx)) {
            searchJson(ctx, k);
            return;
        }
        ServingVersion.Pair version = serving.current();
        ImageEmbedder embedder = version.embedder();
        ImageIndexReader index = version.index();
        ImageBodyReader.readImage(ctx.request(), options.imageMaxBytes(), options.multipartMaxBytes())
                .compose(image -> {
                    byte[] bytes = image.bytes();
                    JsonObject query = new JsonObject()
                            .put("format", image.format().name())
                            .put("bytes", bytes.length);
                    return worker.executeBlocking(
                                    () -> {
                                        float[] vector = timed("embed", () -> embedder.embedOne(bytes));
                                        return timed("search", () -> index.searchShards(vector, k, SearchFilter.NONE));
                                    },
                                    false)
                            .map(result -> JsonViews.searchResponse(embedder.spec(), k, query, result, tookMs(ctx)));
                })
                .onSuccess(body -> sendJson(ctx, 200, body))
                .onFailure(ctx::fail);
    }

    private static boolean isJson(RoutingContext ctx) {
        return ImageBodyReader.mediaType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE))
                .equals("application/json");
    }

    /** A JSON body of at most {@value #JSON_MAX_BYTES} bytes, parsed. */
    private static io.vertx.core.Future<JsonObject> jsonBody(RoutingContext ctx) {
        return ImageBodyReader.readLimited(ctx.request(), JSON_MAX_BYTES).map(bytes -> {
            try {
                Object parsed = io.vertx.core.json.Json.decodeValue(io.vertx.core.buffer.Buffer.buffer(bytes));
                if (!(parsed instanceof JsonObject json)) {
                    throw ErrorCode.MALFORMED_REQUEST.exception("the JSON body must be an object");
                }
                return json;
            } catch (io.vertx.core.json.DecodeException e) {
                throw ErrorCode.MALFORMED_REQUEST.exception(
                        "the body is not valid JSON: " + RequestParams.clip(e.getMessage()));
            }
        });
    }

    /** A query's vector: the given one, or the stored vector of the given id. Runs on a worker. */
    private static float[] vectorOf(ImageIndexReader index, JsonQueries.Query query) {
        if (query.vector() != null) {
            return query.vector();
        }
        StoredImage image = index.get(query.id()).orElseThrow(() -> notFound(query.id()));
        if (image.vector() == null) {
            throw ErrorCode.IMAGE_NOT_EMBEDDED.exception("image '" + query.id() + "' is stored but not embedded yet");
        }
        return image.vector();
    }

    /** {@code POST /v1/search} with a JSON body: by vector or by stored id, with a filter. */
    private void searchJson(RoutingContext ctx, int queryK) {
        ServingVersion.Pair version = serving.current();
        ImageEmbedder embedder = version.embedder();
        ImageIndexReader index = version.index();
        jsonBody(ctx)
                .compose(body -> {
                    JsonQueries.checkModel(body, embedder.spec());
                    int k = JsonQueries.k(body, queryK);
                    JsonQueries.Query query =
                            JsonQueries.query(body, embedder.spec().dimension());
                    gate.checkSearchJson(ctx, "search", body);
                    return worker.executeBlocking(
                                    () -> timed(
                                            "search",
                                            () -> index.searchShards(vectorOf(index, query), k, query.filter())),
                                    false)
                            .map(result -> JsonViews.searchResponse(
                                    embedder.spec(), k, query.describe(), result, tookMs(ctx)));
                })
                .onSuccess(body -> sendJson(ctx, 200, body))
                .onFailure(ctx::fail);
    }

    /** {@code POST /v1/search/batch}: up to {@value JsonQueries#MAX_BATCH} queries, one answer each. */
    private void searchBatch(RoutingContext ctx) {
        if (!isJson(ctx)) {
            ctx.fail(ErrorCode.UNSUPPORTED_MEDIA_TYPE.exception("a batch is JSON: send Content-Type application/json"));
            return;
        }
        int queryK = RequestParams.k(ctx);
        ServingVersion.Pair version = serving.current();
        ImageEmbedder embedder = version.embedder();
        ImageIndexReader index = version.index();
        jsonBody(ctx)
                .compose(body -> {
                    JsonQueries.checkModel(body, embedder.spec());
                    int k = JsonQueries.k(body, queryK);
                    List<JsonQueries.Query> queries =
                            JsonQueries.batch(body, embedder.spec().dimension());
                    gate.checkSearchJson(ctx, "searchBatch", body);
                    return worker.executeBlocking(
                                    () -> {
                                        JsonArray answers = new JsonArray();
                                        for (JsonQueries.Query query : queries) {
                                            SearchResult result =
                                                    index.searchShards(vectorOf(index, query), k, query.filter());
                                            answers.add(JsonViews.searchResponse(
                                                            embedder.spec(), k, query.describe(), result, 0)
                                                    .put("tookMs", null));
                                        }
                                        return answers;
                                    },
                                    false)
                            .map(answers -> new JsonObject()
                                    .put("model", JsonViews.model(embedder.spec()))
                                    .put("k", k)
                                    .put("answers", answers)
                                    .put("tookMs", tookMs(ctx)));
                })
                .onSuccess(body -> sendJson(ctx, 200, body))
                .onFailure(ctx::fail);
    }

    /**
     * Similar to a stored image: a search with its stored vector. The query image itself is left out of
     * the results, so {@code k} results are other images.
     */
    private void similar(RoutingContext ctx) {
        String id = RequestParams.imageId(ctx);
        int k = RequestParams.k(ctx);
        gate.check(ctx, "similarImages");
        ServingVersion.Pair version = serving.current();
        ImageEmbedder embedder = version.embedder();
        ImageIndexReader index = version.index();
        worker.executeBlocking(
                        () -> {
                            StoredImage image = index.get(id).orElseThrow(() -> notFound(id));
                            if (image.vector() == null) {
                                throw ErrorCode.IMAGE_NOT_EMBEDDED.exception(
                                        "image '" + id + "' is stored but not embedded yet; retry shortly");
                            }
                            // One more than asked for, since the image itself is normally among the hits.
                            SearchResult result = index.searchShards(image.vector(), k + 1, SearchFilter.NONE);
                            List<SearchHit> others = new ArrayList<>(k);
                            for (SearchHit hit : result.hits()) {
                                if (!hit.id().equals(id) && others.size() < k) {
                                    others.add(hit);
                                }
                            }
                            return new SearchResult(others, result.missingShards());
                        },
                        false)
                .map(hits ->
                        JsonViews.searchResponse(embedder.spec(), k, new JsonObject().put("id", id), hits, tookMs(ctx)))
                .onSuccess(body -> sendJson(ctx, 200, body))
                .onFailure(ctx::fail);
    }

    private void image(RoutingContext ctx) {
        String id = RequestParams.imageId(ctx);
        gate.check(ctx, "getImage");
        ImageIndexReader index = serving.current().index();
        worker.executeBlocking(() -> withBytes(index, id), false)
                .onSuccess(image -> sendImage(ctx, imageContentType(image), image.bytes()))
                .onFailure(ctx::fail);
    }

    private void imageMeta(RoutingContext ctx) {
        String id = RequestParams.imageId(ctx);
        gate.check(ctx, "getImageMeta");
        ImageIndexReader index = serving.current().index();
        worker.executeBlocking(() -> index.get(id).orElseThrow(() -> notFound(id)), false)
                .onSuccess(image -> sendJson(ctx, 200, JsonViews.imageMeta(image)))
                .onFailure(ctx::fail);
    }

    /**
     * A PNG of the stored image, its longest side at most {@code size} pixels. Decoded with the same pixel
     * limit as a search, so a stored bomb is refused from its header, never decoded.
     */
    private void thumbnail(RoutingContext ctx) {
        String id = RequestParams.imageId(ctx);
        int size = RequestParams.thumbnailSize(ctx);
        gate.check(ctx, "getThumbnail");
        ImageIndexReader index = serving.current().index();
        worker.executeBlocking(
                        () -> timed(
                                "thumbnail",
                                () -> thumbnails.png(withBytes(index, id).bytes(), size)),
                        false)
                .onSuccess(png -> sendImage(ctx, "image/png", png))
                .onFailure(ctx::fail);
    }

    /** The stored image, which must have its bytes. Runs on a worker. */
    private static StoredImage withBytes(ImageIndexReader index, String id) {
        StoredImage image = index.get(id).orElseThrow(() -> notFound(id));
        if (image.bytes() == null) {
            throw ErrorCode.IMAGE_BYTES_UNAVAILABLE.exception(
                    "image '" + id + "' has a vector but its bytes are not stored");
        }
        return image;
    }

    /** Image bytes with a type a browser will not second-guess (no sniffing) and no caching. */
    private static void sendImage(RoutingContext ctx, String contentType, byte[] bytes) {
        ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, contentType)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .end(Buffer.buffer(bytes));
    }

    private void health(RoutingContext ctx) {
        JsonArray roles = new JsonArray();
        if (services.searches()) {
            roles.add("api");
        }
        if (ingest != null) {
            roles.add("ingest");
        }
        JsonObject body = new JsonObject().put("status", "UP").put("routes", roles);
        ServingVersion.Pair version = services.searches() ? serving.current() : null;
        worker.executeBlocking(
                        () -> {
                            body.put(
                                    "pipeline",
                                    new JsonObject(new java.util.TreeMap<>(
                                            services.pipeline().describe())));
                            return version != null ? version.index().size() : -1L;
                        },
                        false)
                .onSuccess(size -> {
                    if (!services.searches()) {
                        sendJson(ctx, 200, body);
                        return;
                    }
                    body.put("indexSize", size)
                            .put("model", JsonViews.model(version.embedder().spec()));
                    if (version.index() instanceof ClusterIndexReader cluster) {
                        body.put("shards", JsonViews.shards(cluster.local()));
                    }
                    sendJson(ctx, 200, body);
                })
                .onFailure(ctx::fail);
    }

    /** The Prometheus text exposition (scraped on a worker: gauges may call into the index). */
    private void metrics(RoutingContext ctx) {
        worker.executeBlocking(() -> services.metrics().scrape(), false)
                .onSuccess(text -> ctx.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                        .end(text))
                .onFailure(ctx::fail);
    }

    /** A timed model or index call, for {@code dinostream_calls}. */
    private <T> T timed(String kind, java.util.function.Supplier<T> call) {
        long started = System.nanoTime();
        try {
            return call.get();
        } finally {
            services.metrics().recordCall(kind, System.nanoTime() - started);
        }
    }

    /** 200 when every readiness check passes, 503 otherwise; the body names each check. */
    private void ready(RoutingContext ctx) {
        worker.executeBlocking(() -> services.readiness().check(), false)
                .onSuccess(checks -> {
                    boolean ready = checks.values().stream().allMatch(Boolean::booleanValue);
                    JsonObject body = new JsonObject()
                            .put("status", ready ? "READY" : "NOT_READY")
                            .put("checks", new JsonObject(new java.util.TreeMap<String, Object>(checks)));
                    sendJson(ctx, ready ? 200 : 503, body);
                })
                .onFailure(ctx::fail);
    }

    /** The methods {@code /v1/images/{id}} accepts in this process, for the {@code Allow} header. */
    private String imageMethods() {
        List<String> methods = new ArrayList<>();
        if (services.searches()) {
            methods.add("GET");
        }
        if (ingest != null) {
            methods.add("PUT");
            methods.add("DELETE");
        }
        return String.join(", ", methods);
    }

    private static io.vertx.core.Handler<RoutingContext> roleNotRunning(String role) {
        return ctx -> ctx.fail(ErrorCode.ROUTE_NOT_FOUND.exception(
                RequestParams.clip(ctx.request().path()) + " is served by processes that run the " + role
                        + " role; this one does not"));
    }

    private void page(RoutingContext ctx) {
        ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                .putHeader("Content-Security-Policy", PAGE_CSP)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .end(page);
    }

    static io.vertx.core.Handler<RoutingContext> methodNotAllowed(String allow) {
        return ctx -> ctx.fail(ApiException.methodNotAllowed(
                ctx.request().method().name(), RequestParams.clip(ctx.request().path()), allow));
    }

    // ---- failures ----------------------------------------------------------------------------------

    /**
     * Answers any failure with the JSON error body. Client errors carry their message; anything else is a
     * 500 whose details (and stack trace) go to the log only, tied to the response by a request id.
     */
    void onFailure(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        ErrorCode code;
        String message;
        String allow = null;
        String requestId = RequestLog.id(ctx);
        if (failure instanceof ApiException api) {
            code = api.errorCode();
            message = api.getMessage();
            allow = api.allow();
        } else if (failure instanceof ImageTooLargeException tooLarge) {
            code = ErrorCode.TOO_MANY_PIXELS;
            message = tooLarge.getMessage();
        } else if (failure instanceof ImageDecodeException decode) {
            code = ErrorCode.UNDECODABLE_IMAGE;
            message = "the image could not be decoded: " + RequestParams.clip(decode.getMessage());
        } else if (statusCode(ctx.statusCode()) != null) {
            // A bare client-error status from Vert.x itself (a malformed path, say).
            code = statusCode(ctx.statusCode());
            message = defaultMessage(code, ctx);
        } else {
            code = ErrorCode.INTERNAL_ERROR;
            internalErrors.incrementAndGet();
            message = "internal error; the server log has the details under request id " + requestId;
            LOG.error(
                    "internal error {} on {} {} (status {})",
                    requestId,
                    ctx.request().method(),
                    ctx.request().path(),
                    ctx.statusCode(),
                    failure);
        }
        HttpServerResponse response = ctx.response();
        if (response.headWritten()) {
            LOG.warn(
                    "cannot answer {} {} with {}: response already started",
                    ctx.request().method(),
                    ctx.request().path(),
                    code.code());
            response.reset();
            return;
        }
        if (allow != null) {
            response.putHeader(HttpHeaders.ALLOW, allow);
        }
        sendJson(ctx, code.status(), JsonViews.error(code, message, requestId));
    }

    /** The code for a bare status that the router or Vert.x raised, or null. */
    private static ErrorCode statusCode(int status) {
        return switch (status) {
            case 400 -> ErrorCode.MALFORMED_REQUEST;
            case 404 -> ErrorCode.ROUTE_NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 413 -> ErrorCode.BODY_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 503 -> ErrorCode.REQUEST_TIMEOUT; // raised only by the TimeoutHandler
            default -> null;
        };
    }

    private static String defaultMessage(ErrorCode code, RoutingContext ctx) {
        return switch (code) {
            case ROUTE_NOT_FOUND -> "no route " + ctx.request().method() + " "
                    + RequestParams.clip(ctx.request().path()) + "; see docs/api.md";
            case METHOD_NOT_ALLOWED -> "method " + ctx.request().method() + " is not allowed here";
            case BODY_TOO_LARGE -> "request body too large";
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported media type";
            case REQUEST_TIMEOUT -> "the request took longer than the server allows (api.request.timeout.ms)";
            default -> "malformed request";
        };
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private static ApiException notFound(String id) {
        return ErrorCode.IMAGE_NOT_FOUND.exception("no image with id '" + id + "'");
    }

    /**
     * The stored content type when it names a supported image format; else the format sniffed from the
     * bytes; else {@code application/octet-stream}. Never a type a browser would run (HTML, SVG).
     */
    static String imageContentType(StoredImage image) {
        String stored = ImageBodyReader.mediaType(image.contentType());
        for (ImageFormat format : ImageFormat.values()) {
            if (format.contentType().equals(stored)) {
                return stored;
            }
        }
        return ImageFormat.sniff(image.bytes()).map(ImageFormat::contentType).orElse("application/octet-stream");
    }

    private static long tookMs(RoutingContext ctx) {
        Long start = ctx.get(START_NANOS);
        return start == null ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    static void sendJson(RoutingContext ctx, int status, JsonObject body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(body.encode());
    }
}
