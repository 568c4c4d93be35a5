package io.dinostream.api;

import io.dinostream.api.internals.ApiServerImpl;
import io.dinostream.embedder.ImageEmbedder;
import io.dinostream.index.ImageIndexReader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The HTTP API and the web page: similarity search by uploaded image or by stored id, image download,
 * health, and (with the ingest role) image upload and delete through Kafka. Routes, bodies and error codes are documented in {@code docs/api.md}.
 *
 * <p><b>Threading.</b> Request handling runs on the Vert.x event loop and never blocks it: every model
 * call ({@link ImageEmbedder#embedOne}) and every index call ({@link ImageIndexReader#search},
 * {@link ImageIndexReader#get}, {@link ImageIndexReader#size}) runs on the named worker pool
 * {@value ApiServerOptions#WORKER_POOL_NAME}.
 *
 * <p><b>Ownership.</b> The server does not own the {@link Vertx}, the embedder or the index reader: the
 * caller creates them before and closes them after the server.
 *
 * <pre>{@code
 * ApiServer server = ApiServer.create(vertx, config, embedder, indexReader);
 * int port = server.start().await();   // or compose on the Future
 * ...
 * server.close();
 * }</pre>
 */
public interface ApiServer {

    static ApiServer create(
            Vertx vertx, ApiServerOptions options, ImageEmbedder embedder, ImageIndexReader indexReader) {
        return create(vertx, options, ApiServices.search(embedder, indexReader));
    }

    /** A server with the routes of the given services (search, ingest or both). */
    static ApiServer create(Vertx vertx, ApiServerOptions options, ApiServices services) {
        return new ApiServerImpl(vertx, options, services);
    }

    /**
     * Creates the worker pool, loads the page and binds the HTTP server.
     *
     * @return the bound port (the actual one when the options ask for port 0); fails if the port cannot be
     *     bound or the server was already started or closed
     */
    Future<Integer> start();

    /** The bound port, or -1 before {@link #start()} completed. */
    int actualPort();

    /**
     * Stops accepting requests, closes the HTTP server, then the worker pool. Idempotent: later calls
     * return the first call's future.
     */
    Future<Void> close();
}
