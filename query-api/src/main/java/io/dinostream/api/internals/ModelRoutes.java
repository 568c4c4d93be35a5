package io.dinostream.api.internals;

import io.dinostream.api.ModelAdmin;
import io.dinostream.common.registry.ActivePointer;
import io.dinostream.common.registry.ModelVersion;
import io.dinostream.common.registry.RegistryCodec;
import io.dinostream.common.registry.RegistryState;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The model registry on the admin API: list, describe, register (a weights file the server can read),
 * activate, roll back, retire. Registry calls block on Kafka and run on the worker pool; refusals answer
 * 404 {@code model_version_not_found} or 409 {@code model_state_conflict} with the registry's reason.
 */
final class ModelRoutes {
    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final ModelAdmin admin;
    private final WorkerExecutor worker;

    ModelRoutes(ModelAdmin admin, WorkerExecutor worker) {
        this.admin = admin;
        this.worker = worker;
    }

    void mount(Router router, Handler<RoutingContext> guard) {
        router.get("/v1/models").handler(guard).handler(ctx -> answer(ctx, 200, () -> registry(admin.read())));
        router.post("/v1/models").handler(guard).handler(this::register);
        router.route("/v1/models").handler(ApiRoutes.methodNotAllowed("GET, POST"));
        router.post("/v1/models/rollback")
                .handler(guard)
                .handler(ctx -> answer(ctx, 200, () -> pointer(admin.rollback())));
        router.route("/v1/models/rollback").handler(ApiRoutes.methodNotAllowed("POST"));
        router.get("/v1/models/:version")
                .handler(guard)
                .handler(ctx -> answer(ctx, 200, () -> {
                    RegistryState state = admin.read();
                    return version(state, state.require(ctx.pathParam("version")));
                }));
        router.route("/v1/models/:version").handler(ApiRoutes.methodNotAllowed("GET"));
        router.post("/v1/models/:version/activate").handler(guard).handler(ctx -> {
            String now = ctx.request().getParam("now", "false");
            if (!now.equals("true") && !now.equals("false")) {
                ctx.fail(ErrorCode.INVALID_REQUEST.exception("'now' must be true or false"));
                return;
            }
            answer(ctx, 200, () -> pointer(admin.activate(ctx.pathParam("version"), now.equals("true"))));
        });
        router.route("/v1/models/:version/activate").handler(ApiRoutes.methodNotAllowed("POST"));
        router.post("/v1/models/:version/retire")
                .handler(guard)
                .handler(ctx -> answer(ctx, 200, () -> {
                    RegistryState state = admin.retire(ctx.pathParam("version"));
                    return version(state, state.require(ctx.pathParam("version")));
                }));
        router.route("/v1/models/:version/retire").handler(ApiRoutes.methodNotAllowed("POST"));
    }

    private void register(RoutingContext ctx) {
        ctx.request()
                .body()
                .compose(body -> {
                    ModelAdmin.Registration registration = registration(body);
                    return worker.executeBlocking(
                            () -> {
                                ModelVersion v = admin.register(registration);
                                return version(admin.read(), v);
                            },
                            false);
                })
                .onSuccess(json -> ApiRoutes.sendJson(ctx, 201, json))
                .onFailure(e -> ctx.fail(translate(e)));
    }

    /** {"weights": "/path/on/the/server.safetensors", "name": ..., "parent": ..., "metrics": {...}} */
    private static ModelAdmin.Registration registration(Buffer body) {
        if (body.length() > MAX_BODY_BYTES) {
            throw ErrorCode.BODY_TOO_LARGE.exception("a registration is a small JSON object, not the weights");
        }
        JsonObject json;
        try {
            json = new JsonObject(body);
        } catch (DecodeException e) {
            throw ErrorCode.MALFORMED_REQUEST.exception("the body must be a JSON object: " + e.getMessage());
        }
        for (String field : json.fieldNames()) {
            if (!java.util.Set.of("weights", "name", "parent", "metrics").contains(field)) {
                throw ErrorCode.INVALID_REQUEST.exception("unknown field '" + field + "'");
            }
        }
        Object weights = json.getValue("weights");
        if (!(weights instanceof String path) || path.isBlank()) {
            throw ErrorCode.INVALID_REQUEST.exception(
                    "'weights' must be the path of a safetensors file the server can read");
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        Object given = json.getValue("metrics");
        if (given != null) {
            if (!(given instanceof JsonObject object)) {
                throw ErrorCode.INVALID_REQUEST.exception("'metrics' must be an object of numbers");
            }
            for (String name : object.fieldNames()) {
                if (!(object.getValue(name) instanceof Number number)) {
                    throw ErrorCode.INVALID_REQUEST.exception("metric '" + name + "' is not a number");
                }
                metrics.put(name, number.doubleValue());
            }
        }
        return new ModelAdmin.Registration(
                Path.of(path), optionalText(json, "name"), optionalText(json, "parent"), metrics);
    }

    private static String optionalText(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (value != null && !(value instanceof String)) {
            throw ErrorCode.INVALID_REQUEST.exception("'" + field + "' must be a string");
        }
        return (String) value;
    }

    private void answer(RoutingContext ctx, int status, Callable<JsonObject> call) {
        Future<JsonObject> result = worker.executeBlocking(call, false);
        result.onSuccess(json -> ApiRoutes.sendJson(ctx, status, json)).onFailure(e -> ctx.fail(translate(e)));
    }

    private static Throwable translate(Throwable e) {
        if (e instanceof RegistryState.RegistryException refused) {
            return (refused.kind() == RegistryState.RegistryException.Kind.NOT_FOUND
                            ? ErrorCode.MODEL_VERSION_NOT_FOUND
                            : ErrorCode.MODEL_STATE_CONFLICT)
                    .exception(refused.getMessage());
        }
        if (e instanceof IllegalArgumentException invalid) {
            return ErrorCode.INVALID_REQUEST.exception(invalid.getMessage());
        }
        if (e instanceof java.io.IOException unavailable) {
            return ErrorCode.REGISTRY_UNAVAILABLE.exception(
                    "the model registry did not answer: " + unavailable.getMessage());
        }
        return e;
    }

    static JsonObject registry(RegistryState state) {
        JsonArray versions = new JsonArray();
        for (ModelVersion v : state.versions()) {
            versions.add(version(state, v));
        }
        JsonObject out = pointer(state);
        return out.put("versions", versions);
    }

    static JsonObject pointer(RegistryState state) {
        ActivePointer p = state.pointer().orElse(null);
        return new JsonObject()
                .put("active", p == null ? null : p.active())
                .put("previous", p == null ? null : p.previous())
                .put("pending", p == null ? null : p.pending())
                .put("changed_at", p == null ? null : p.changedAt().toString());
    }

    static JsonObject version(RegistryState state, ModelVersion v) {
        JsonObject json = new JsonObject(Buffer.buffer(RegistryCodec.encode(v)))
                .put("state", state.stateOf(v).label());
        state.progress(v.id())
                .ifPresent(p -> json.put("backfill", new JsonObject(Buffer.buffer(RegistryCodec.encode(p)))));
        return json;
    }
}
