package io.dinostream.api.internals;

import io.dinostream.api.cluster.ClusterIndexReader;
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
 * instance's shards and a look-up in its stores, each of the model version the caller names, and the
 * state of every version's shards here (a model swap's writer sums them over the cluster). Mounted only
 * where the index runs as Kafka Streams. Index calls run on the worker pool.
 */
final class InternalRoutes {
    /** A shard search carries one vector: far below this. */
    private static final int MAX_BODY_BYTES = 1 << 20;

    private final ClusterIndexReader cluster;
    private final WorkerExecutor worker;

    InternalRoutes(ClusterIndexReader cluster, WorkerExecutor worker) {
        this.cluster = cluster;
        this.worker = worker;
    }

    /** Mounts the routes behind {@code guard} (the admin role: other instances present the cluster key). */
    void mount(Router router, io.vertx.core.Handler<RoutingContext> guard) {
        router.post(ShardProtocol.SEARCH_PATH).handler(guard).handler(this::search);
        router.route(ShardProtocol.SEARCH_PATH).handler(ApiRoutes.methodNotAllowed("POST"));
        router.get(ShardProtocol.IMAGES_PATH + ":id").handler(guard).handler(this::image);
        router.get(ShardProtocol.LANES_PATH).handler(guard).handler(this::lanes);
    }

    /** The index of the version a call names; 404 where this instance holds none of it. */
    private StreamsIndex indexOf(String version) {
        return cluster.shards()
                .forVersion(version)
                .orElseThrow(() -> ErrorCode.MODEL_VERSION_NOT_FOUND.exception(
                        "this instance holds no index of model version '" + version + "'"));
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
                    StreamsIndex local = indexOf(request.version());
                    return worker.executeBlocking(
                            () -> local.searchLocal(request.vector(), request.k(), request.filter()), false);
                })
                .onSuccess((ShardSearcher.LocalResult result) ->
                        ApiRoutes.sendJson(ctx, 200, ShardProtocol.searchResponse(result.hits(), result.answered())))
                .onFailure(ctx::fail);
    }

    private void image(RoutingContext ctx) {
        String id = RequestParams.imageId(ctx);
        StreamsIndex local;
        try {
            local = indexOf(ctx.request().getParam(ShardProtocol.VERSION_PARAM));
        } catch (ApiException e) {
            ctx.fail(e);
            return;
        }
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

    private void lanes(RoutingContext ctx) {
        worker.executeBlocking(cluster::laneStates, false)
                .onSuccess(states -> ApiRoutes.sendJson(ctx, 200, ShardProtocol.lanes(states)))
                .onFailure(ctx::fail);
    }
}
