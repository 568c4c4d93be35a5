package io.dinostream.api.internals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatorException;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks each request against the OpenAPI document served at {@code /openapi.json} (Vert.x OpenAPI's
 * {@link RequestValidator}): path, query and header parameters, and JSON bodies against their schemas. A
 * request that breaks the document fails with 400 {@code invalid_request}, quoting the validator.
 *
 * <p>Handlers run their own checks first, because those answer with specific codes ({@code invalid_k},
 * {@code invalid_vector}, ...) and messages; the gate then catches whatever the document forbids and the
 * handler does not look at (an unknown JSON field, say). Bodies reach the gate already read, within their
 * size limits, so the validator never buffers an unbounded body itself.
 *
 * <p>Vert.x OpenAPI 5.0 supports JSON, multipart, text and octet-stream bodies only, so the gate validates
 * against a copy of the document in which {@code image/*} bodies are declared as
 * {@code application/octet-stream} (what they are to a schema: bytes), and an image body is checked as that;
 * responses are not part of that copy.
 */
final class OpenApiGate {
    private static final String OCTET_STREAM = "application/octet-stream";

    private final OpenAPIContract contract;
    private final RequestValidator validator;

    private OpenApiGate(OpenAPIContract contract, RequestValidator validator) {
        this.contract = contract;
        this.validator = validator;
    }

    /** Parses the document (asynchronously: the contract resolves its schemas on a worker). */
    static Future<OpenApiGate> load(Vertx vertx, Buffer document) {
        JsonObject contract = validationCopy(new JsonObject(document));
        return OpenAPIContract.from(vertx, contract)
                .map(parsed -> new OpenApiGate(parsed, RequestValidator.create(vertx, parsed)));
    }

    /** Checks the parameters of a request that has no body. */
    Future<Void> check(RoutingContext ctx, String operationId) {
        return validate(ctx, operationId, null, null);
    }

    /** Checks the parameters and the JSON body of a request. */
    Future<Void> checkJson(RoutingContext ctx, String operationId, byte[] json) {
        return validate(ctx, operationId, Buffer.buffer(json), "application/json");
    }

    /** Checks the parameters of a request whose body is an image (raw, or the {@code image} part). */
    Future<Void> checkImage(RoutingContext ctx, String operationId, byte[] image) {
        return validate(ctx, operationId, Buffer.buffer(image), OCTET_STREAM);
    }

    private Future<Void> validate(RoutingContext ctx, String operationId, Buffer body, String contentType) {
        Map<String, RequestParameter> headers = new HashMap<>();
        Map<String, RequestParameter> path = new HashMap<>();
        Map<String, RequestParameter> query = new HashMap<>();
        for (Parameter declared : contract.operation(operationId).getParameters()) {
            String name = declared.getName();
            switch (declared.getIn()) {
                case HEADER -> put(headers, declared, ctx.request().getHeader(name));
                case PATH -> put(path, declared, ctx.pathParam(name));
                case QUERY -> put(query, declared, ctx.request().getParam(name));
                default -> {} // no cookie parameters are declared
            }
        }
        ValidatableRequest request =
                new Request(Map.of(), headers, path, query, body == null ? null : parameter(body), contentType);
        return validator
                .validate(request, operationId)
                .<Void>mapEmpty()
                .recover(error -> Future.failedFuture(
                        error instanceof ValidatorException invalid
                                ? ErrorCode.INVALID_REQUEST.exception(
                                        "the request does not match /openapi.json: " + invalid.getMessage())
                                : error));
    }

    /**
     * The validator decodes a raw value as JSON when it is not a plain word, so an id such as {@code 1.5}
     * would reach a string schema as a number: string values go in as JSON string literals instead.
     */
    private static void put(Map<String, RequestParameter> values, Parameter declared, String raw) {
        if (raw == null) {
            return;
        }
        values.put(
                declared.getName(), parameter(declared.getSchemaType() == SchemaType.STRING ? Json.encode(raw) : raw));
    }

    private static RequestParameter parameter(Object value) {
        return () -> value;
    }

    /**
     * The document as the validator can load it: every {@code image/...} request body folded into
     * {@code application/octet-stream}, and responses left out.
     */
    static JsonObject validationCopy(JsonObject document) {
        JsonObject copy = document.copy();
        JsonObject paths = copy.getJsonObject("paths", new JsonObject());
        for (String path : paths.fieldNames()) {
            JsonObject operations = paths.getJsonObject(path);
            for (String method : operations.fieldNames()) {
                if (!(operations.getValue(method) instanceof JsonObject op)) {
                    continue;
                }
                // Responses are not validated, and some (images, Prometheus text) have media types the
                // validator refuses to load.
                op.put("responses", new JsonObject().put("default", new JsonObject().put("description", "any")));
                if (!(op.getValue("requestBody") instanceof JsonObject body)) {
                    continue;
                }
                JsonObject content = body.getJsonObject("content", new JsonObject());
                JsonObject folded = new JsonObject();
                for (String mediaType : content.fieldNames()) {
                    String key = mediaType.startsWith("image/") ? OCTET_STREAM : mediaType;
                    folded.put(key, content.getValue(mediaType));
                }
                body.put("content", folded);
            }
        }
        return copy;
    }

    /** A request as the validator sees it; the parts come from a request already read. */
    private record Request(
            Map<String, RequestParameter> cookies,
            Map<String, RequestParameter> headers,
            Map<String, RequestParameter> pathParameters,
            Map<String, RequestParameter> query,
            RequestParameter body,
            String contentType)
            implements ValidatableRequest {
        @Override
        public Map<String, RequestParameter> getCookies() {
            return cookies;
        }

        @Override
        public Map<String, RequestParameter> getHeaders() {
            return headers;
        }

        @Override
        public Map<String, RequestParameter> getPathParameters() {
            return pathParameters;
        }

        @Override
        public Map<String, RequestParameter> getQuery() {
            return query;
        }

        @Override
        public RequestParameter getBody() {
            return body;
        }

        @Override
        public String getContentType() {
            return contentType;
        }
    }
}
