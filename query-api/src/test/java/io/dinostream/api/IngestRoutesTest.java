package io.dinostream.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.ingest.ImageSubmission;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The write routes of the ingest role on a server that runs only that role, with a recording sink
 * behind it (the real Kafka publisher is exercised by the end-to-end test in {@code app}).
 */
@Timeout(value = 3, timeUnit = TimeUnit.MINUTES)
@ExtendWith(VertxExtension.class)
class IngestRoutesTest {
    private static final int IMAGE_MAX_BYTES = 1024;

    private static RecordingImageSinkDouble sink;
    private static ApiServer server;
    private static WebClient client;
    private static int port;

    @BeforeAll
    static void startServer(Vertx vertx, VertxTestContext tc) {
        sink = new RecordingImageSinkDouble(IMAGE_MAX_BYTES);
        server = ApiServer.create(
                vertx, new ApiServerOptions("127.0.0.1", 0, 2, IMAGE_MAX_BYTES), ApiServices.ingestOnly(sink));
        client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(false));
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

    @Test
    void putPublishesTheImageWithMetadataAndSourceThenAnswers202(VertxTestContext tc) {
        byte[] image = ApiServerTest.png("put-raw");
        expect(
                tc,
                client.put(port, "127.0.0.1", "/v1/images/shirt-1")
                        .putHeader("Content-Type", "image/png")
                        .putHeader("X-Dinostream-Metadata", "{ \"label\": \"shirt\", \"size\": 3 }")
                        .putHeader("X-Dinostream-Source", "catalogue-sync")
                        .sendBuffer(Buffer.buffer(image)),
                r -> {
                    assertEquals(202, r.statusCode(), r.bodyAsString());
                    JsonObject body = r.bodyAsJsonObject();
                    assertEquals("shirt-1", body.getString("id"));
                    assertEquals("accepted", body.getString("status"));
                    assertEquals("PNG", body.getString("format"));
                    assertEquals(image.length, body.getInteger("bytes"));
                    ImageSubmission sent = published("shirt-1");
                    assertArrayEquals(image, sent.bytes());
                    assertEquals("catalogue-sync", sent.source());
                    assertEquals(
                            new JsonObject().put("label", "shirt").put("size", 3), new JsonObject(sent.metadataJson()));
                });
    }

    @Test
    void putAcceptsMultipartAndDefaultsMetadataAndSource(VertxTestContext tc) {
        byte[] image = ApiServerTest.png("put-multipart");
        MultipartForm form =
                MultipartForm.create().binaryFileUpload("image", "a.png", Buffer.buffer(image), "image/png");
        expect(tc, client.put(port, "127.0.0.1", "/v1/images/multi-1").sendMultipartForm(form), r -> {
            assertEquals(202, r.statusCode(), r.bodyAsString());
            ImageSubmission sent = published("multi-1");
            assertArrayEquals(image, sent.bytes());
            assertEquals("http", sent.source());
            assertEquals("{}", sent.metadataJson());
        });
    }

    @Test
    void metadataThatIsNotAJsonObjectIsRefused(VertxTestContext tc) {
        expectError(
                tc,
                client.put(port, "127.0.0.1", "/v1/images/bad-meta")
                        .putHeader("Content-Type", "image/png")
                        .putHeader("X-Dinostream-Metadata", "[1,2]")
                        .sendBuffer(Buffer.buffer(ApiServerTest.png("x"))),
                400,
                "invalid_metadata");
    }

    @Test
    void bodiesThatAreNotImagesOrTooLargeAreRefusedBeforePublishing(VertxTestContext tc) {
        client.put(port, "127.0.0.1", "/v1/images/text-1")
                .putHeader("Content-Type", "image/png")
                .sendBuffer(Buffer.buffer("hello, not an image"))
                .compose(r -> {
                    tc.verify(() -> assertError(r, 415, "unsupported_image_format"));
                    return client.put(port, "127.0.0.1", "/v1/images/big-1")
                            .putHeader("Content-Type", "image/png")
                            .sendBuffer(Buffer.buffer(ApiServerTest.png(IMAGE_MAX_BYTES + 1)));
                })
                .compose(r -> {
                    tc.verify(() -> assertError(r, 413, "body_too_large"));
                    return client.put(port, "127.0.0.1", "/v1/images/.hidden")
                            .putHeader("Content-Type", "image/png")
                            .sendBuffer(Buffer.buffer(ApiServerTest.png("x")));
                })
                .onComplete(tc.succeeding(r -> tc.verify(() -> {
                    assertError(r, 400, "invalid_id");
                    assertTrue(
                            sink.published.stream().noneMatch(s -> s.id().equals("text-1") || s.id().equals("big-1")));
                    tc.completeNow();
                })));
    }

    @Test
    void anUnacknowledgedPublishIsA503AndNotAnAcceptance(VertxTestContext tc) {
        expect(
                tc,
                client.put(port, "127.0.0.1", "/v1/images/" + RecordingImageSinkDouble.UNAVAILABLE_PREFIX + "-1")
                        .putHeader("Content-Type", "image/png")
                        .sendBuffer(Buffer.buffer(ApiServerTest.png("y"))),
                r -> {
                    assertError(r, 503, "ingest_unavailable");
                    assertTrue(r.bodyAsJsonObject()
                            .getJsonObject("error")
                            .getString("message")
                            .contains("retry"));
                });
    }

    @Test
    void deletePublishesATombstone(VertxTestContext tc) {
        expect(tc, client.delete(port, "127.0.0.1", "/v1/images/old-7").send(), r -> {
            assertEquals(202, r.statusCode(), r.bodyAsString());
            assertEquals("old-7", r.bodyAsJsonObject().getString("id"));
            assertTrue(sink.deleted.contains("old-7"));
        });
    }

    @Test
    void searchRoutesAreAbsentWithoutTheApiRoleAndSaySo(VertxTestContext tc) {
        client.post(port, "127.0.0.1", "/v1/search")
                .putHeader("Content-Type", "image/png")
                .sendBuffer(Buffer.buffer(ApiServerTest.png("q")))
                .compose(r -> {
                    tc.verify(() -> {
                        assertError(r, 404, "route_not_found");
                        assertTrue(r.bodyAsString().contains("api role"), r.bodyAsString());
                    });
                    return client.get(port, "127.0.0.1", "/v1/images/shirt-1").send();
                })
                .compose(r -> {
                    tc.verify(() -> {
                        assertError(r, 405, "method_not_allowed");
                        assertEquals("PUT, DELETE", r.getHeader("Allow"));
                    });
                    return client.get(port, "127.0.0.1", "/health").send();
                })
                .onComplete(tc.succeeding(r -> tc.verify(() -> {
                    assertEquals(200, r.statusCode());
                    JsonObject health = r.bodyAsJsonObject();
                    assertEquals(new JsonArray().add("ingest"), health.getJsonArray("routes"));
                    assertFalse(health.containsKey("indexSize"), health.encode());
                    tc.completeNow();
                })));
    }

    private static ImageSubmission published(String id) {
        return sink.published.stream()
                .filter(s -> s.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new AssertionError("nothing published as " + id));
    }

    private static void expect(
            VertxTestContext tc, Future<HttpResponse<Buffer>> response, Consumer<HttpResponse<Buffer>> check) {
        response.onComplete(tc.succeeding(r -> tc.verify(() -> {
            check.accept(r);
            tc.completeNow();
        })));
    }

    private static void expectError(
            VertxTestContext tc, Future<HttpResponse<Buffer>> response, int status, String code) {
        expect(tc, response, r -> assertError(r, status, code));
    }

    private static void assertError(HttpResponse<Buffer> r, int status, String code) {
        assertEquals(status, r.statusCode(), r.bodyAsString());
        assertTrue(r.getHeader("Content-Type").startsWith("application/json"), r.getHeader("Content-Type"));
        JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
        assertNotNull(error, r.bodyAsString());
        assertEquals(code, error.getString("code"), r.bodyAsString());
    }
}
