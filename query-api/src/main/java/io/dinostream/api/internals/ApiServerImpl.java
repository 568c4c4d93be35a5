package io.dinostream.api.internals;

import io.dinostream.api.ApiServer;
import io.dinostream.api.ApiServerOptions;
import io.dinostream.api.ApiServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link ApiServer}: owns the HTTP server and its worker pool, nothing else. */
public final class ApiServerImpl implements ApiServer {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServerImpl.class);

    /** The web page, a classpath resource. */
    static final String PAGE_RESOURCE = "/io/dinostream/api/web/index.html";

    static final String OPENAPI_RESOURCE = "/io/dinostream/api/web/openapi.json";

    private final Vertx vertx;
    private final ApiServerOptions options;
    private final ApiServices services;

    private final Object lock = new Object();
    private Future<Integer> started;
    private Future<Void> closed;
    private WorkerExecutor worker;
    private HttpServer server;
    private volatile int actualPort = -1;

    public ApiServerImpl(Vertx vertx, ApiServerOptions options, ApiServices services) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.options = Objects.requireNonNull(options, "options");
        this.services = Objects.requireNonNull(services, "services");
    }

    @Override
    public Future<Integer> start() {
        synchronized (lock) {
            if (closed != null) {
                return Future.failedFuture(new IllegalStateException("the API server is closed"));
            }
            if (started != null) {
                return Future.failedFuture(new IllegalStateException("the API server was already started"));
            }
            worker = vertx.createSharedWorkerExecutor(ApiServerOptions.WORKER_POOL_NAME, options.workerThreads());
            WorkerExecutor pool = worker;
            started = pool.executeBlocking(ApiServerImpl::prepare, false)
                    .compose(files -> OpenApiGate.load(vertx, files.openApi())
                            .map(gate -> new ApiRoutes(options, services, pool, files, gate)))
                    .compose(routes -> {
                        HttpServer http = vertx.createHttpServer(httpOptions());
                        synchronized (lock) {
                            server = http;
                        }
                        return http.requestHandler(routes.router(vertx)).listen(options.port(), options.host());
                    })
                    .map(http -> {
                        actualPort = http.actualPort();
                        LOG.info(
                                "API listening on http://{}:{}/ (search {}, ingest {}; {} worker threads, images up to {} bytes)",
                                options.host(),
                                actualPort,
                                services.searches() ? "on" : "off",
                                services.ingests() ? "on" : "off",
                                options.workerThreads(),
                                options.imageMaxBytes());
                        return actualPort;
                    });
            return started;
        }
    }

    private HttpServerOptions httpOptions() {
        return new HttpServerOptions().setHost(options.host()).setPort(options.port());
    }

    /**
     * Work done once, on a worker thread, before the server listens: reading the page, and the first use
     * of the JSON codec (Jackson's class initialisation takes a few hundred milliseconds) and of the
     * request-id generator, which would otherwise block the event loop on the first requests.
     */
    static StaticFiles prepare() {
        new io.vertx.core.json.JsonObject().put("warm-up", true).encode();
        RequestLog.warmUp();
        return new StaticFiles(load(PAGE_RESOURCE), load(OPENAPI_RESOURCE));
    }

    /** The files the server serves as they are: the page and the OpenAPI document. */
    record StaticFiles(Buffer page, Buffer openApi) {}

    private static Buffer load(String resource) {
        try (InputStream in = ApiServerImpl.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing from the jar");
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + resource, e);
        }
    }

    @Override
    public int actualPort() {
        return actualPort;
    }

    /** Closes the HTTP server first (no new requests), then the worker pool. */
    @Override
    public Future<Void> close() {
        synchronized (lock) {
            if (closed != null) {
                return closed;
            }
            Future<?> whenStarted =
                    started == null ? Future.succeededFuture() : started.recover(e -> Future.succeededFuture());
            closed = whenStarted
                    .transform(ignored -> {
                        HttpServer http;
                        synchronized (lock) {
                            http = server;
                        }
                        return http == null ? Future.<Void>succeededFuture() : http.close();
                    })
                    .transform(serverClosed -> {
                        WorkerExecutor pool;
                        synchronized (lock) {
                            pool = worker;
                        }
                        Future<Void> poolClosed = pool == null ? Future.succeededFuture() : pool.close();
                        return serverClosed.failed()
                                ? poolClosed.transform(ignored -> Future.<Void>failedFuture(serverClosed.cause()))
                                : poolClosed;
                    })
                    .onSuccess(v -> LOG.info("query API closed"));
            return closed;
        }
    }
}
