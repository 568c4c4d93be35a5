package io.dinostream.api.internals;

import io.dinostream.api.cluster.ShardProtocol;
import io.dinostream.index.streams.ShardSearcher;
import io.dinostream.index.streams.StreamsIndex;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The routes other index instances call during a scatter-gather ({@link ShardProtocol}): a search of this
 * instance's shards and a look-up in its stores. Mounted only where the index runs as Kafka Streams.
 * Index calls run on the worker pool.
 */
final class InternalRoutes {
    /** A shard search carries one vector: far below this. */
    private static final int MAX_BODY_BYTES = 1 << 20;

    private final StreamsIndex local;
    private final WorkerExecutor worker;

    InternalRoutes(StreamsIndex local, WorkerExecutor worker) {
        this.local = local;
        this.worker = worker;
    }

    /** Mounts the routes behind {@code guard} (the admin role: other instances present the cluster key). */
    void mount(Router router, io.vertx.core.Handler<RoutingContext> guard) {
        router.post(ShardProtocol.SEARCH_PATH).handler(guard).handler(this::search);
        router.route(ShardProtocol.SEARCH_PATH).handler(ApiRoutes.methodNotAllowed("POST"));
        router.get(ShardProtocol.IMAGES_PATH + ":id").handler(guard).handler(this::image);
    }

    private void search(RoutingContext ctx) {
        ctx.request()
                .body()
                .compose(body -> {
                    if (body.length() > MAX_BODY_BYTES) {
                        throw ErrorCode.BODY_TOO_LARGE.exception("shard search body over " + MAX_BODY_BYTES + " bytes");
                    }
                    ShardProtocol.SearchRequest request;
                    try {
                        request = ShardProtocol.parseSearchRequest(new JsonObject(body));
                    } catch (DecodeException | IllegalArgumentException e) {
                        throw ErrorCode.MALFORMED_REQUEST.exception("shard search: " + e.getMessage());
                    }
                    return worker.executeBlocking(
                            () -> local.searchLocal(request.vector(), request.k(), request.filter()), false);
                })
                .onSuccess((ShardSearcher.LocalResult result) ->
                        ApiRoutes.sendJson(ctx, 200, ShardProtocol.searchResponse(result.hits(), result.answered())))
                .onFailure(ctx::fail);
    }

    private void image(RoutingContext ctx) {
        String id = RequestParams.imageId(ctx);
        worker.executeBlocking(() -> local.get(id), false)
                .onSuccess(image -> {
                    if (image.isEmpty()) {
                        ctx.fail(
                                ErrorCode.IMAGE_NOT_FOUND.exception("no image '" + id + "' in this instance's shards"));
                    } else {
                        ApiRoutes.sendJson(ctx, 200, ShardProtocol.image(image.get()));
                    }
                })
                .onFailure(ctx::fail);
    }
}
