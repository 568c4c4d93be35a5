package io.dinostream.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.api.security.ApiAccess;
import io.dinostream.api.security.ApiKeys;
import io.dinostream.common.registry.WeightStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry's admin routes over real HTTP: admin keys only, every operation, and refusals as 404/409
 * JSON errors with the registry's reason.
 */
class ModelRoutesTest {
    private static final String ADMIN = "admin-secret-0123456789";
    private static final String WRITE = "write-secret-0123456789";

    private final HttpClient http = HttpClient.newHttpClient();
    private Vertx vertx;
    private ApiServer server;
    private int port;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        ApiServices services = ApiServices.search(new FixedVectorEmbedderDouble(), new InMemoryIndexReaderDouble(3))
                .withModels(new InMemoryModelAdminDouble());
        ApiAccess access = new ApiAccess(
                ApiKeys.parse("ops:admin:" + ADMIN + "\nwriter:write:" + WRITE, "test"),
                false,
                0,
                Duration.ofSeconds(10));
        server = ApiServer.create(vertx, new ApiServerOptions("127.0.0.1", 0, 2, 4096, access), services);
        port = server.start().await();
    }

    @AfterEach
    void stop() {
        server.close().await();
        vertx.close().await();
    }

    private HttpResponse<String> call(String method, String path, String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void registerListActivateRollBackAndRetireOverHttp(@TempDir Path dir) throws Exception {
        Path a = Files.write(dir.resolve("a.safetensors"), new byte[] {1, 2, 3});
        Path b = Files.write(dir.resolve("b.safetensors"), new byte[] {4, 5, 6});
        String idA = WeightStore.sha256(a).substring(0, 12);
        String idB = WeightStore.sha256(b).substring(0, 12);

        assertEquals(401, call("GET", "/v1/models", null, null).statusCode());
        assertEquals(403, call("GET", "/v1/models", WRITE, null).statusCode());

        HttpResponse<String> created = call(
                "POST",
                "/v1/models",
                ADMIN,
                new JsonObject()
                        .put("weights", a.toString())
                        .put("name", "teacher")
                        .put("metrics", new JsonObject().put("knn_top1", 85.38))
                        .encode());
        assertEquals(201, created.statusCode(), created.body());
        JsonObject va = new JsonObject(created.body());
        assertEquals(idA, va.getString("id"));
        assertEquals("registered", va.getString("state"));
        assertEquals(85.38, va.getJsonObject("metrics").getDouble("knn_top1"));
        assertEquals(
                201,
                call(
                                "POST",
                                "/v1/models",
                                ADMIN,
                                new JsonObject()
                                        .put("weights", b.toString())
                                        .put("parent", idA)
                                        .encode())
                        .statusCode());

        JsonObject listed =
                new JsonObject(call("GET", "/v1/models", ADMIN, null).body());
        assertEquals(2, listed.getJsonArray("versions").size());
        assertEquals(null, listed.getString("active"));

        assertEquals(
                idA,
                new JsonObject(call("POST", "/v1/models/" + idA + "/activate?now=true", ADMIN, null)
                                .body())
                        .getString("active"));
        JsonObject requested = new JsonObject(
                call("POST", "/v1/models/" + idB + "/activate", ADMIN, null).body());
        assertEquals(idA, requested.getString("active"), "a requested activation waits for the backfill");
        assertEquals(idB, requested.getString("pending"));
        assertEquals(
                "activating",
                new JsonObject(call("GET", "/v1/models/" + idB, ADMIN, null).body()).getString("state"));
        assertEquals(
                400,
                call("POST", "/v1/models/" + idB + "/activate?now=maybe", ADMIN, null)
                        .statusCode());
        JsonObject flipped =
                new JsonObject(call("POST", "/v1/models/" + idB.substring(0, 6) + "/activate?now=true", ADMIN, null)
                        .body());
        assertEquals(idB, flipped.getString("active"));
        assertEquals(idA, flipped.getString("previous"));
        JsonObject back =
                new JsonObject(call("POST", "/v1/models/rollback", ADMIN, null).body());
        assertEquals(idA, back.getString("active"));

        HttpResponse<String> refused = call("POST", "/v1/models/" + idA + "/retire", ADMIN, null);
        assertEquals(409, refused.statusCode());
        JsonObject error = new JsonObject(refused.body());
        assertEquals("model_state_conflict", error.getJsonObject("error").getString("code"), refused.body());
        assertTrue(error.getJsonObject("error").getString("message").contains("is active"), refused.body());

        JsonObject retired = new JsonObject(
                call("POST", "/v1/models/" + idB + "/retire", ADMIN, null).body());
        assertEquals("retired", retired.getString("state"));
        assertEquals(idA, retired.getString("parent"));
        JsonObject described =
                new JsonObject(call("GET", "/v1/models/" + idA, ADMIN, null).body());
        assertEquals("active", described.getString("state"));

        HttpResponse<String> missing = call("GET", "/v1/models/ffffffffffff", ADMIN, null);
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().contains("model_version_not_found"), missing.body());
        assertEquals(400, call("POST", "/v1/models", ADMIN, "{\"weights\": 3}").statusCode());
        assertEquals(
                400,
                call("POST", "/v1/models", ADMIN, "{\"weights\": \"x\", \"colour\": 1}")
                        .statusCode());
        assertEquals(400, call("POST", "/v1/models", ADMIN, "not json").statusCode());
        assertEquals(405, call("DELETE", "/v1/models/" + idA, ADMIN, null).statusCode());
    }
}
