package io.dinostream.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.index.StoredImage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP layer against the real server on a free port, with test doubles behind it: a fixed
 * bytes-to-vector embedder and an in-memory brute-force index. One server for the class.
 */
// Generous: on a loaded shared build machine one request has taken 45 s; an idle one takes milliseconds.
@Timeout(value = 3, timeUnit = TimeUnit.MINUTES)
@ExtendWith(VertxExtension.class)
class ApiServerTest {
    private static final int IMAGE_MAX_BYTES = 1024;
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

    private static final byte[] QUERY_RED = png("query-red");
    private static final byte[] QUERY_BLUE = png("query-blue");
    private static final byte[] BROKEN_ENGINE = png("boom");
    private static final String SECRET = "secret internal detail 7f3a";

    private static FixedVectorEmbedderDouble embedder;
    private static InMemoryIndexReaderDouble index;
    private static ApiServer server;
    private static WebClient client;
    private static HttpClient httpClient;
    private static int port;

    @BeforeAll
    static void startServer(Vertx vertx, VertxTestContext tc) {
        embedder = new FixedVectorEmbedderDouble()
                .map(QUERY_RED, new float[] {1, 0, 0})
                .map(QUERY_BLUE, new float[] {0, 0, 1})
                .failWith(BROKEN_ENGINE, new IllegalStateException(SECRET));
        index = new InMemoryIndexReaderDouble(3)
                .put(stored("red", new float[] {1, 0, 0}, "{\"label\":\"red\",\"split\":\"train\"}"))
                .put(stored("orange", new float[] {0.8f, 0.6f, 0}, "{\"label\":\"orange\"}"))
                .put(stored("yellow", new float[] {0.6f, 0.8f, 0}, "{\"label\":\"yellow\"}"))
                .put(stored("blue", new float[] {0, 0, 1}, "{}"))
                .put(stored("pending", null, "{}"))
                .put(new StoredImage("vector-only", "image/png", null, "{}", "test", 0, new float[] {0, 0.6f, 0.8f}))
                .put(new StoredImage("typed-html", "text/html", png("typed-html"), "{}", "test", 0, null));
        server = ApiServer.create(vertx, new ApiServerOptions("127.0.0.1", 0, 2, IMAGE_MAX_BYTES), embedder, index);
        client = WebClient.create(
                vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setKeepAlive(false));
        httpClient = vertx.createHttpClient();
        server.start().onComplete(tc.succeeding(p -> {
            port = p;
            tc.completeNow();
        }));
    }

    @AfterAll
    static void stopServer(VertxTestContext tc) {
        client.close();
        server.close().onComplete(tc.succeedingThenComplete());
    }

    // ---- POST /v1/search -----------------------------------------------------------------------------

    @Test
    void searchWithRawBodyRanksByScoreAndNamesTheModel(VertxTestContext tc) {
        expect(tc, post("/v1/search?k=3").putHeader("Content-Type", "image/png").sendBuffer(buffer(QUERY_RED)), r -> {
            assertEquals(200, r.statusCode(), r.bodyAsString());
            assertTrue(r.getHeader("Content-Type").startsWith("application/json"));
            JsonObject body = r.bodyAsJsonObject();
            assertEquals(
                    new JsonObject()
                            .put("id", "test-double")
                            .put("version", "v1")
                            .put("pooling", "cls")
                            .put("dimension", 3)
                            .put("normalisation", "l2"),
                    body.getJsonObject("model"));
            assertEquals(3, body.getInteger("k"));
            assertEquals("PNG", body.getJsonObject("query").getString("format"));
            assertTrue(body.getLong("tookMs") >= 0);
            assertEquals(List.of("red", "orange", "yellow"), ids(body));
            JsonArray results = body.getJsonArray("results");
            assertEquals(1.0, results.getJsonObject(0).getDouble("score"), 1e-6);
            assertEquals(0.8, results.getJsonObject(1).getDouble("score"), 1e-6);
            assertEquals(
                    new JsonObject().put("label", "red").put("split", "train"),
                    results.getJsonObject(0).getJsonObject("metadata"));
        });
    }

    @Test
    void searchAcceptsOctetStreamAndUsesDefaultK(VertxTestContext tc) {
        expect(
                tc,
                post("/v1/search")
                        .putHeader("Content-Type", "application/octet-stream")
                        .sendBuffer(buffer(QUERY_BLUE)),
                r -> {
                    assertEquals(200, r.statusCode(), r.bodyAsString());
                    JsonObject body = r.bodyAsJsonObject();
                    assertEquals(10, body.getInteger("k"));
                    // All five vectors, fewer than the default k; "blue" is the exact match.
                    assertEquals(5, body.getJsonArray("results").size());
                    assertEquals("blue", ids(body).get(0));
                });
    }

    @Test
    void searchWithMultipartImageField(VertxTestContext tc) {
        MultipartForm form = MultipartForm.create()
                .attribute("note", "ignored")
                .binaryFileUpload("image", "query.png", buffer(QUERY_BLUE), "image/png");
        expect(tc, post("/v1/search?k=2").sendMultipartForm(form), r -> {
            assertEquals(200, r.statusCode(), r.bodyAsString());
            assertEquals(List.of("blue", "vector-only"), ids(r.bodyAsJsonObject()));
        });
    }

    @Test
    void multipartWithoutImageFieldIsRefused(VertxTestContext tc) {
        MultipartForm form =
                MultipartForm.create().binaryFileUpload("picture", "query.png", buffer(QUERY_BLUE), "image/png");
        expectError(tc, post("/v1/search").sendMultipartForm(form), 400, "missing_image_field");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "0", "-3", "1001", "2.5", "", "99999999999"})
    void invalidKIsRefused(String k, VertxTestContext tc) {
        expectError(
                tc,
                post("/v1/search")
                        .addQueryParam("k", k)
                        .putHeader("Content-Type", "image/png")
                        .sendBuffer(buffer(QUERY_RED)),
                400,
                "invalid_k");
    }

    @Test
    void repeatedKIsRefused(VertxTestContext tc) {
        expectError(tc, get("/v1/images/red/similar?k=1&k=2").send(), 400, "invalid_k");
    }

    @Test
    void kAtTheUpperBoundIsAccepted(VertxTestContext tc) {
        expect(
                tc,
                post("/v1/search?k=1000").putHeader("Content-Type", "image/png").sendBuffer(buffer(QUERY_RED)),
                r -> {
                    assertEquals(200, r.statusCode(), r.bodyAsString());
                    assertEquals(1000, r.bodyAsJsonObject().getInteger("k"));
                });
    }

    @Test
    void emptyBodyIsRefused(VertxTestContext tc) {
        expectError(
                tc,
                post("/v1/search").putHeader("Content-Type", "image/png").sendBuffer(Buffer.buffer()),
                400,
                "empty_body");
    }

    @Test
    void bodyOverTheLimitIsRefusedFromContentLength(VertxTestContext tc) {
        expectError(
                tc,
                post("/v1/search").putHeader("Content-Type", "image/png").sendBuffer(buffer(png(IMAGE_MAX_BYTES + 1))),
                413,
                "body_too_large");
    }

    @Test
    void chunkedBodyOverTheLimitIsRefusedWhileReading(VertxTestContext tc) {
        Future<SimpleResponse> response = httpClient
                .request(HttpMethod.POST, port, "127.0.0.1", "/v1/search")
                .compose(request -> {
                    request.setChunked(true).putHeader("Content-Type", "image/png");
                    return request.send(buffer(png(3 * IMAGE_MAX_BYTES)));
                })
                .compose(r ->
                        r.body().map(body -> new SimpleResponse(r.statusCode(), r.getHeader("Content-Type"), body)));
        expectError(tc, response, 413, "body_too_large");
    }

    @Test
    void multipartImageOverTheLimitIsRefused(VertxTestContext tc) {
        MultipartForm form = MultipartForm.create()
                .binaryFileUpload("image", "big.png", buffer(png(IMAGE_MAX_BYTES + 1)), "image/png");
        expectError(tc, post("/v1/search").sendMultipartForm(form), 413, "body_too_large");
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "application/xml"})
    void nonImageContentTypeIsRefused(String contentType, VertxTestContext tc) {
        expectError(
                tc,
                post("/v1/search").putHeader("Content-Type", contentType).sendBuffer(buffer(QUERY_RED)),
                415,
                "unsupported_media_type");
    }

    @Test
    void imageBytesLabelledAsJsonAreMalformedJson(VertxTestContext tc) {
        expectError(
                tc,
                post("/v1/search").putHeader("Content-Type", "application/json").sendBuffer(buffer(QUERY_RED)),
                400,
                "malformed_request");
    }

    @Test
    void searchByVectorWithAFilter(VertxTestContext tc) {
        JsonObject body = new JsonObject()
                .put("vector", new io.vertx.core.json.JsonArray().add(1).add(0).add(0))
                .put("k", 2)
                .put("filter", new JsonObject().put("metadata", new JsonObject().put("label", "orange")));
        expect(tc, post("/v1/search").sendJsonObject(body), r -> {
            assertEquals(200, r.statusCode(), r.bodyAsString());
            io.vertx.core.json.JsonArray results = r.bodyAsJsonObject().getJsonArray("results");
            assertEquals(1, results.size(), r.bodyAsString());
            assertEquals("orange", results.getJsonObject(0).getString("id"));
            assertEquals(3, r.bodyAsJsonObject().getJsonObject("query").getInteger("vector"));
        });
    }

    @Test
    void searchByStoredIdAndInABatch(VertxTestContext tc) {
        JsonObject body = new JsonObject()
                .put("k", 1)
                .put(
                        "queries",
                        new io.vertx.core.json.JsonArray()
                                .add(new JsonObject().put("id", "blue"))
                                .add(new JsonObject()
                                        .put(
                                                "vector",
                                                new io.vertx.core.json.JsonArray()
                                                        .add(1)
                                                        .add(0)
                                                        .add(0))));
        expect(tc, post("/v1/search/batch").sendJsonObject(body), r -> {
            assertEquals(200, r.statusCode(), r.bodyAsString());
            io.vertx.core.json.JsonArray answers = r.bodyAsJsonObject().getJsonArray("answers");
            assertEquals(2, answers.size());
            assertEquals(
                    "blue",
                    answers.getJsonObject(0)
                            .getJsonArray("results")
                            .getJsonObject(0)
                            .getString("id"));
            assertEquals(
                    "red",
                    answers.getJsonObject(1)
                            .getJsonArray("results")
                            .getJsonObject(0)
                            .getString("id"));
        });
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"vector\": [1, 0]}|invalid_vector",
                "{\"vector\": [1, \"x\", 0]}|invalid_vector",
                "{\"vector\": [1, 0, 0], \"id\": \"red\"}|malformed_request",
                "{}|malformed_request",
                "[1, 2]|malformed_request",
                "{\"id\": \"../etc\"}|invalid_id",
                "{\"id\": \"nope\"}|image_not_found",
                "{\"id\": \"pending\"}|image_not_embedded",
                "{\"vector\": [1, 0, 0], \"k\": 0}|invalid_k",
                "{\"vector\": [1, 0, 0], \"k\": 1000000000}|invalid_k",
                "{\"vector\": [1, 0, 0], \"model\": \"other\"}|unknown_model",
                "{\"vector\": [1, 0, 0], \"filter\": {\"colour\": 1}}|invalid_filter",
                "{\"vector\": [1, 0, 0], \"filter\": {\"ingestedFrom\": \"yesterday\"}}|invalid_filter",
                "{\"vector\": [1, 0, 0], \"filter\": {\"metadata\": {\"a\": [1]}}}|invalid_filter"
            })
    void badJsonQueriesGetSpecificErrors(String bodyAndCode, VertxTestContext tc) {
        String[] parts = bodyAndCode.split("\\|");
        int status =
                switch (parts[1]) {
                    case "image_not_found" -> 404;
                    case "image_not_embedded" -> 409;
                    default -> 400;
                };
        expectError(
                tc,
                post("/v1/search").putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(parts[0])),
                status,
                parts[1]);
    }

    @Test
    void bytesThatAreNoSupportedImageAreRefused(VertxTestContext tc) {
        byte[] webp = "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1);
        expect(tc, post("/v1/search").putHeader("Content-Type", "image/webp").sendBuffer(buffer(webp)), r -> {
            assertError(r, 415, "unsupported_image_format");
            assertTrue(errorOf(r).getString("message").contains("WebP"), r.bodyAsString());
        });
    }

    @Test
    void imageTheModelCannotDecodeIsUnprocessable(VertxTestContext tc) {
        expect(tc, post("/v1/search").putHeader("Content-Type", "image/png").sendBuffer(buffer(png("corrupt"))), r -> {
            assertError(r, 422, "undecodable_image");
            assertTrue(errorOf(r).getString("message").contains("truncated image data"), r.bodyAsString());
        });
    }

    @Test
    void internalErrorIsA500WithoutDetails(VertxTestContext tc) {
        expect(tc, post("/v1/search").putHeader("Content-Type", "image/png").sendBuffer(buffer(BROKEN_ENGINE)), r -> {
            assertError(r, 500, "internal_error");
            String body = r.bodyAsString();
            assertFalse(body.contains(SECRET), body);
            assertFalse(body.contains("IllegalStateException"), body);
            assertFalse(body.contains("\tat "), body);
            assertNotNull(errorOf(r).getString("requestId"), body);
        });
    }

    // ---- GET /v1/images/{id}/similar -------------------------------------------------------------------

    @Test
    void similarLeavesTheQueryImageOut(VertxTestContext tc) {
        expect(tc, get("/v1/images/red/similar?k=2").send(), r -> {
            assertEquals(200, r.statusCode(), r.bodyAsString());
            JsonObject body = r.bodyAsJsonObject();
            assertEquals(List.of("orange", "yellow"), ids(body));
            assertEquals("red", body.getJsonObject("query").getString("id"));
            assertEquals("test-double", body.getJsonObject("model").getString("id"));
        });
    }

    @Test
    void similarReturnsEveryOtherImageWhenKIsLarge(VertxTestContext tc) {
        expect(tc, get("/v1/images/blue/similar?k=50").send(), r -> {
            assertEquals(200, r.statusCode(), r.bodyAsString());
            List<String> ids = ids(r.bodyAsJsonObject());
            assertEquals(4, ids.size(), ids.toString());
            assertEquals("vector-only", ids.get(0));
            assertFalse(ids.contains("blue"), ids.toString());
        });
    }

    @Test
    void similarOfUnknownIdIsNotFound(VertxTestContext tc) {
        expectError(tc, get("/v1/images/no-such-image/similar").send(), 404, "image_not_found");
    }

    @Test
    void similarOfImageWithoutVectorIsAConflict(VertxTestContext tc) {
        expectError(tc, get("/v1/images/pending/similar").send(), 409, "image_not_embedded");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/images/bad%20id/similar", "/v1/images/.hidden/similar", "/v1/images/a%2Fb"})
    void invalidIdIsRefused(String path, VertxTestContext tc) {
        expectError(tc, get(path).send(), 400, "invalid_id");
    }

    @Test
    void overlongIdIsRefused(VertxTestContext tc) {
        expectError(tc, get("/v1/images/" + "x".repeat(201)).send(), 400, "invalid_id");
    }

    // ---- GET /v1/images/{id} and /meta ---------------------------------------------------------------

    @Test
    void imageIsServedWithItsContentType(VertxTestContext tc) {
        expect(tc, get("/v1/images/orange").send(), r -> {
            assertEquals(200, r.statusCode());
            assertEquals("image/png", r.getHeader("Content-Type"));
            assertEquals("nosniff", r.getHeader("X-Content-Type-Options"));
            assertArrayEquals(png("orange"), r.bodyAsBuffer().getBytes());
        });
    }

    @Test
    void storedNonImageContentTypeIsNeverServed(VertxTestContext tc) {
        expect(tc, get("/v1/images/typed-html").send(), r -> {
            assertEquals(200, r.statusCode());
            assertEquals("image/png", r.getHeader("Content-Type"));
        });
    }

    @Test
    void imageOfUnknownIdIsNotFound(VertxTestContext tc) {
        expectError(tc, get("/v1/images/nope").send(), 404, "image_not_found");
    }

    @Test
    void imageWithoutStoredBytesIsNotFound(VertxTestContext tc) {
        expectError(tc, get("/v1/images/vector-only").send(), 404, "image_bytes_unavailable");
    }

    @Test
    void metaDescribesTheStoredImage(VertxTestContext tc) {
        expect(tc, get("/v1/images/red/meta").send(), r -> {
            assertEquals(200, r.statusCode(), r.bodyAsString());
            JsonObject body = r.bodyAsJsonObject();
            assertEquals("red", body.getString("id"));
            assertEquals("image/png", body.getString("contentType"));
            assertEquals(png("red").length, body.getInteger("bytes"));
            assertEquals("red", body.getJsonObject("metadata").getString("label"));
            assertEquals("test", body.getString("source"));
            assertEquals(true, body.getBoolean("embedded"));
        });
    }

    @Test
    void metaOfUnknownIdIsNotFound(VertxTestContext tc) {
        expectError(tc, get("/v1/images/nope/meta").send(), 404, "image_not_found");
    }

    // ---- /health, /, routing ---------------------------------------------------------------------------

    @Test
    void healthReportsIndexSizeAndModel(VertxTestContext tc) {
        expect(tc, get("/health").send(), r -> {
            assertEquals(200, r.statusCode(), r.bodyAsString());
            JsonObject body = r.bodyAsJsonObject();
            assertEquals("UP", body.getString("status"));
            assertEquals(5, body.getLong("indexSize"));
            assertEquals("test-double", body.getJsonObject("model").getString("id"));
            assertEquals(3, body.getJsonObject("model").getInteger("dimension"));
        });
    }

    @Test
    void pageIsServedAndSelfContained(VertxTestContext tc) {
        expect(tc, get("/").send(), r -> {
            assertEquals(200, r.statusCode());
            assertTrue(r.getHeader("Content-Type").startsWith("text/html"));
            assertNotNull(r.getHeader("Content-Security-Policy"));
            String html = r.bodyAsString();
            assertTrue(html.contains("id=\"drop-zone\""), "upload area");
            assertTrue(html.contains("/v1/search"), "search call");
            assertTrue(html.contains("/similar"), "search-by-result call");
            // Offline machine: the page must not load anything from another origin.
            assertFalse(
                    html.contains("http://") || html.contains("https://") || html.contains("//cdn"), "external URL");
        });
    }

    @Test
    void unknownRouteIsAJsonNotFound(VertxTestContext tc) {
        expectError(tc, get("/v2/nothing").send(), 404, "route_not_found");
    }

    @Test
    void wrongMethodIsRefusedWithAllow(VertxTestContext tc) {
        expect(
                tc,
                client.request(HttpMethod.DELETE, port, "127.0.0.1", "/v1/images/red")
                        .send(),
                r -> {
                    assertError(r, 405, "method_not_allowed");
                    assertEquals("GET", r.getHeader("Allow"));
                });
    }

    @Test
    void getOnSearchIsRefusedWithAllow(VertxTestContext tc) {
        expect(tc, get("/v1/search").send(), r -> {
            assertError(r, 405, "method_not_allowed");
            assertEquals("POST", r.getHeader("Allow"));
        });
    }

    // ---- threading -------------------------------------------------------------------------------------

    @Test
    void modelAndIndexRunOnTheNamedWorkerPool(VertxTestContext tc) {
        Future<?> calls = post("/v1/search")
                .putHeader("Content-Type", "image/png")
                .sendBuffer(buffer(QUERY_RED))
                .compose(r -> get("/v1/images/red/similar").send())
                .compose(r -> get("/v1/images/red").send())
                .compose(r -> get("/health").send());
        calls.onComplete(tc.succeeding(ignored -> tc.verify(() -> {
            List<String> threads = new ArrayList<>(embedder.callingThreads);
            threads.addAll(index.callingThreads);
            assertFalse(embedder.callingThreads.isEmpty());
            assertFalse(index.callingThreads.isEmpty());
            for (String thread : threads) {
                assertTrue(thread.startsWith(ApiServerOptions.WORKER_POOL_NAME + "-"), thread);
            }
            tc.completeNow();
        })));
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    /** A response reduced to what error assertions need, for requests sent with the plain HTTP client. */
    private record SimpleResponse(int statusCode, String contentType, Buffer body) {}

    private static HttpRequest<Buffer> post(String uri) {
        return client.post(port, "127.0.0.1", uri);
    }

    private static HttpRequest<Buffer> get(String uri) {
        return client.get(port, "127.0.0.1", uri);
    }

    private static <T> void expect(VertxTestContext tc, Future<T> response, Consumer<T> check) {
        response.onComplete(tc.succeeding(r -> tc.verify(() -> {
            check.accept(r);
            tc.completeNow();
        })));
    }

    private static <T> void expectError(VertxTestContext tc, Future<T> response, int status, String code) {
        expect(tc, response, r -> {
            if (r instanceof SimpleResponse simple) {
                assertError(simple.statusCode(), simple.contentType(), simple.body(), status, code);
            } else {
                assertError((HttpResponse<?>) r, status, code);
            }
        });
    }

    private static void assertError(HttpResponse<?> r, int status, String code) {
        assertError(r.statusCode(), r.getHeader("Content-Type"), r.bodyAsBuffer(), status, code);
    }

    private static void assertError(int actualStatus, String contentType, Buffer body, int status, String code) {
        String text = body == null ? "" : body.toString();
        assertEquals(status, actualStatus, text);
        assertNotNull(contentType, "content type of " + text);
        assertTrue(contentType.startsWith("application/json"), contentType);
        JsonObject error = new JsonObject(text).getJsonObject("error");
        assertNotNull(error, text);
        assertEquals(status, error.getInteger("status"), text);
        assertEquals(code, error.getString("code"), text);
        assertFalse(error.getString("message", "").isBlank(), text);
    }

    private static JsonObject errorOf(HttpResponse<Buffer> r) {
        return r.bodyAsJsonObject().getJsonObject("error");
    }

    private static List<String> ids(JsonObject body) {
        List<String> ids = new ArrayList<>();
        for (Object result : body.getJsonArray("results")) {
            ids.add(((JsonObject) result).getString("id"));
        }
        return ids;
    }

    static StoredImage stored(String id, float[] vector, String metadata) {
        return new StoredImage(id, "image/png", png(id), metadata, "test", 1_700_000_000_000L, vector);
    }

    /** Bytes that sniff as PNG, followed by {@code tag}: distinct per tag, known to the embedder double. */
    static byte[] png(String tag) {
        byte[] tagBytes = tag.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = Arrays.copyOf(PNG_SIGNATURE, PNG_SIGNATURE.length + tagBytes.length);
        System.arraycopy(tagBytes, 0, bytes, PNG_SIGNATURE.length, tagBytes.length);
        return bytes;
    }

    /** {@code length} bytes that sniff as PNG. */
    static byte[] png(int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) 7);
        System.arraycopy(PNG_SIGNATURE, 0, bytes, 0, PNG_SIGNATURE.length);
        return bytes;
    }

    private static Buffer buffer(byte[] bytes) {
        return Buffer.buffer(bytes);
    }
}
