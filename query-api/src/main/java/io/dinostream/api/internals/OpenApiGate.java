package io.dinostream.api.internals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks each request against the OpenAPI document served at {@code /openapi.json}: the contract is parsed
 * by Vert.x OpenAPI, and each operation's parameters and JSON body are validated with Vert.x JSON Schema
 * validators built from it once, at start. A request that breaks the document fails with 400
 * {@code invalid_request}, naming the part and quoting the validator.
 *
 * <p>Handlers run their own checks first, because those answer with specific codes ({@code invalid_k},
 * {@code invalid_vector}, ...) and messages; the gate then catches whatever the document forbids and the
 * handler does not look at (an unknown JSON field, say). Bodies reach the gate already read within their
 * size limits and parsed.
 *
 * <p>Why not Vert.x OpenAPI's {@code RequestValidator}: it costs about 300 microseconds a request (a hop to
 * the worker pool, re-parsing the body, building the result), which was most of the cost of a search by
 * vector; these checks take tens of microseconds and run where the handler already is. Vert.x OpenAPI 5.0
 * also refuses to load {@code image/*} request bodies and image responses, so the contract is parsed from
 * a copy with image bodies declared as {@code application/octet-stream} and without responses.
 */
final class OpenApiGate {
    private static final String OCTET_STREAM = "application/octet-stream";

    /** One declared parameter and the validator of its schema. */
    private record ParameterCheck(String name, Location in, boolean required, SchemaType type, Validator schema) {}

    /** What an operation declares. */
    private record OperationChecks(List<ParameterCheck> parameters, Validator jsonBody) {}

    private final Map<String, OperationChecks> operations;

    private OpenApiGate(Map<String, OperationChecks> operations) {
        this.operations = operations;
    }

    /** Parses the document (asynchronously: the contract resolves its schemas on a worker). */
    static Future<OpenApiGate> load(Vertx vertx, Buffer document) {
        return OpenAPIContract.from(vertx, validationCopy(new JsonObject(document)))
                .map(OpenApiGate::compile);
    }

    private static OpenApiGate compile(OpenAPIContract contract) {
        SchemaRepository schemas = contract.getSchemaRepository();
        Map<String, OperationChecks> operations = new HashMap<>();
        for (Operation operation : contract.operations()) {
            List<ParameterCheck> parameters = new ArrayList<>();
            for (Parameter parameter : operation.getParameters()) {
                parameters.add(new ParameterCheck(
                        parameter.getName(),
                        parameter.getIn(),
                        parameter.isRequired(),
                        parameter.getSchemaType(),
                        schemas.validator(parameter.getSchema())));
            }
            Validator jsonBody = null;
            if (operation.getRequestBody() != null) {
                MediaType json = operation.getRequestBody().determineContentType("application/json");
                if (json != null && json.getSchema() != null) {
                    jsonBody = schemas.validator(json.getSchema());
                }
            }
            operations.put(operation.getOperationId(), new OperationChecks(List.copyOf(parameters), jsonBody));
        }
        return new OpenApiGate(Map.copyOf(operations));
    }

    /** Checks the parameters of a request (a body, if any, is binary: nothing in it for a schema). */
    void check(RoutingContext ctx, String operationId) {
        for (ParameterCheck parameter : checks(operationId).parameters()) {
            String raw = raw(ctx, parameter);
            if (raw == null) {
                if (parameter.required()) {
                    throw invalid("the " + where(parameter) + " is required");
                }
                continue;
            }
            OutputUnit result = parameter.schema().validate(typed(raw, parameter.type()));
            if (!Boolean.TRUE.equals(result.getValid())) {
                throw invalid("the " + where(parameter) + " is invalid: " + reason(result));
            }
        }
    }

    /**
     * Checks the parameters and the JSON body of a search. Each {@code vector} goes to the validator as an
     * empty array: the handler has already checked it element by element (finite numbers, the model's
     * dimension: stricter than the schema), and the validator spends microseconds per element.
     */
    void checkSearchJson(RoutingContext ctx, String operationId, JsonObject body) {
        check(ctx, operationId);
        Validator schema = checks(operationId).jsonBody();
        if (schema == null) {
            throw new IllegalStateException("operation " + operationId + " declares no JSON body");
        }
        OutputUnit result = schema.validate(withEmptyVectors(body));
        if (!Boolean.TRUE.equals(result.getValid())) {
            throw invalid("the JSON body is invalid: " + reason(result));
        }
    }

    private OperationChecks checks(String operationId) {
        OperationChecks checks = operations.get(operationId);
        if (checks == null) {
            throw new IllegalStateException("/openapi.json has no operation " + operationId);
        }
        return checks;
    }

    private static String raw(RoutingContext ctx, ParameterCheck parameter) {
        return switch (parameter.in()) {
            case PATH -> ctx.pathParam(parameter.name());
            case QUERY -> ctx.request().getParam(parameter.name());
            case HEADER -> ctx.request().getHeader(parameter.name());
            case COOKIE -> {
                io.vertx.core.http.Cookie cookie = ctx.request().getCookie(parameter.name());
                yield cookie == null ? null : cookie.getValue();
            }
        };
    }

    /** A raw parameter as the JSON value its schema type reads; a value that does not parse stays a string. */
    private static Object typed(String raw, SchemaType type) {
        if (type == null) {
            return raw;
        }
        try {
            return switch (type) {
                case INTEGER -> Long.parseLong(raw.trim());
                case NUMBER -> Double.parseDouble(raw.trim());
                case BOOLEAN -> raw.equals("true") ? Boolean.TRUE : raw.equals("false") ? Boolean.FALSE : raw;
                default -> raw;
            };
        } catch (NumberFormatException e) {
            return raw; // the schema refuses a string where it wants a number
        }
    }

    private static String where(ParameterCheck parameter) {
        return parameter.in().name().toLowerCase(java.util.Locale.ROOT) + " parameter '" + parameter.name() + "'";
    }

    /** The first leaf error of a failed validation, with where in the instance it is. */
    private static String reason(OutputUnit result) {
        OutputUnit leaf = result;
        while (leaf.getErrors() != null && !leaf.getErrors().isEmpty()) {
            leaf = leaf.getErrors().get(0);
        }
        String location = leaf.getInstanceLocation();
        String error = leaf.getError() != null ? leaf.getError() : String.valueOf(result.getError());
        return (location == null || location.isEmpty() ? "" : "at " + location + ": ") + error;
    }

    private static ApiException invalid(String detail) {
        return ErrorCode.INVALID_REQUEST.exception("the request does not match /openapi.json: " + detail);
    }

    /** A shallow copy of a search or batch body with every query's {@code vector} replaced by {@code []}. */
    static JsonObject withEmptyVectors(JsonObject body) {
        JsonObject copy = emptyVector(body);
        if (copy.getValue("queries") instanceof JsonArray queries) {
            JsonArray emptied = new JsonArray();
            for (Object query : queries) {
                emptied.add(query instanceof JsonObject q ? emptyVector(q) : query);
            }
            copy.put("queries", emptied);
        }
        return copy;
    }

    private static JsonObject emptyVector(JsonObject query) {
        JsonObject copy = new JsonObject(new LinkedHashMap<>(query.getMap()));
        if (copy.getValue("vector") instanceof JsonArray) {
            copy.put("vector", new JsonArray());
        }
        return copy;
    }

    /**
     * The document as Vert.x OpenAPI can load it: every {@code image/...} request body folded into
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
                op.put("responses", new JsonObject().put("default", new JsonObject().put("description", "any")));
                if (!(op.getValue("requestBody") instanceof JsonObject body)) {
                    continue;
                }
                JsonObject content = body.getJsonObject("content", new JsonObject());
                JsonObject folded = new JsonObject();
                for (String mediaType : content.fieldNames()) {
                    folded.put(mediaType.startsWith("image/") ? OCTET_STREAM : mediaType, content.getValue(mediaType));
                }
                body.put("content", folded);
            }
        }
        return copy;
    }
}
