package io.dinostream.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.embedder.DinoImageEmbedder;
import io.dinostream.embedder.image.ImageDecoder;
import io.dinostream.embedder.image.Preprocessor;
import io.dinostream.embedder.model.Pooling;
import io.dinostream.index.StoredImage;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input the API promises a specific 4xx JSON error for, sent to the real server with the
 * real image decoder and preprocessor behind it (a colour-mean stand-in replaces only the network). After
 * each case the server must still answer a good search correctly: bad input never leaves it broken.
 */
class BadInputTest {
    private static final int IMAGE_MAX_BYTES = 256 * 1024;
    private static final byte[] RED = TestImages.png(40, 30, 0xE01010);
    private static final byte[] GREEN = TestImages.png(30, 40, 0x10E010);
    private static final byte[] BLUE = TestImages.png(64, 64, 0x1010E0);

    private static Vertx vertx;
    private static ApiServer server;
    private static HttpClient http;
    private static String base;
    private static RecordingImageSinkDouble sink;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        DinoImageEmbedder embedder = new DinoImageEmbedder(
                new MeanColourBackboneDouble(), new ImageDecoder(), new Preprocessor(28), Pooling.CLS);
        InMemoryIndexReaderDouble index = new InMemoryIndexReaderDouble(3);
        for (Object[] image : new Object[][] {{"red", RED}, {"green", GREEN}, {"blue", BLUE}}) {
            byte[] bytes = (byte[]) image[1];
            index.put(
                    new StoredImage((String) image[0], "image/png", bytes, "{}", "test", 0, embedder.embedOne(bytes)));
        }
        index.put(new StoredImage("stored-bomb", "image/png", TestImages.pngBomb(100_000), "{}", "test", 0, null));
        sink = new RecordingImageSinkDouble(IMAGE_MAX_BYTES);
        ApiServices services = ApiServices.search(embedder, index).withIngest(sink);
        server = ApiServer.create(vertx, new ApiServerOptions("127.0.0.1", 0, 2, IMAGE_MAX_BYTES), services);
        int port = server.start().await();
        base = "http://127.0.0.1:" + port;
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    @AfterAll
    static void stop() {
        server.close().await();
        vertx.close().await();
    }

    /** One bad request and the answer it must get. */
    record Case(String name, String method, String path, String contentType, byte[] body, int status, String code) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> badInputs() {
        byte[] json = "{\"vector\": [0.5, 0.5, 0.5]}".getBytes(StandardCharsets.UTF_8);
        return Stream.of(
                // malformed JSON
                new Case(
                        "truncated JSON",
                        "POST",
                        "/v1/search",
                        "application/json",
                        utf8("{\"vector\": [1,"),
                        400,
                        "malformed_request"),
                new Case(
                        "JSON array",
                        "POST",
                        "/v1/search",
                        "application/json",
                        utf8("[1, 2, 3]"),
                        400,
                        "malformed_request"),
                new Case(
                        "JSON of wrong types",
                        "POST",
                        "/v1/search",
                        "application/json",
                        utf8("{\"vector\": \"red\"}"),
                        400,
                        "invalid_vector"),
                new Case(
                        "unknown JSON field",
                        "POST",
                        "/v1/search",
                        "application/json",
                        utf8("{\"vector\": [1, 0, 0], \"colour\": 1}"),
                        400,
                        "invalid_request"),
                new Case(
                        "batch over 100",
                        "POST",
                        "/v1/search/batch",
                        "application/json",
                        batchOf(101),
                        400,
                        "malformed_request"),
                // wrong content types
                new Case(
                        "text body",
                        "POST",
                        "/v1/search",
                        "text/plain",
                        utf8("a red dress"),
                        415,
                        "unsupported_media_type"),
                new Case(
                        "form body",
                        "POST",
                        "/v1/search",
                        "application/x-www-form-urlencoded",
                        utf8("k=1"),
                        415,
                        "unsupported_media_type"),
                new Case("image to batch", "POST", "/v1/search/batch", "image/png", RED, 415, "unsupported_media_type"),
                new Case(
                        "JSON to PUT", "PUT", "/v1/images/x1", "application/json", json, 415, "unsupported_media_type"),
                new Case(
                        "multipart without boundary",
                        "POST",
                        "/v1/search",
                        "multipart/form-data",
                        RED,
                        400,
                        "missing_image_field"),
                // empty and huge bodies
                new Case("empty image body", "POST", "/v1/search", "image/png", new byte[0], 400, "empty_body"),
                new Case("empty JSON body", "POST", "/v1/search", "application/json", new byte[0], 400, "empty_body"),
                new Case("empty PUT", "PUT", "/v1/images/x2", "image/png", new byte[0], 400, "empty_body"),
                new Case("huge image", "POST", "/v1/search", "image/png", hugePng(), 413, "body_too_large"),
                new Case("huge PUT", "PUT", "/v1/images/x3", "image/png", hugePng(), 413, "body_too_large"),
                new Case("huge JSON", "POST", "/v1/search", "application/json", hugeJson(), 413, "body_too_large"),
                // truncated and corrupt images
                new Case(
                        "truncated PNG",
                        "POST",
                        "/v1/search",
                        "image/png",
                        TestImages.truncated(BLUE),
                        422,
                        "undecodable_image"),
                new Case(
                        "corrupt PNG",
                        "POST",
                        "/v1/search",
                        "image/png",
                        TestImages.corruptPng(BLUE),
                        422,
                        "undecodable_image"),
                new Case(
                        "truncated JPEG",
                        "POST",
                        "/v1/search",
                        "image/jpeg",
                        TestImages.truncated(jpeg()),
                        422,
                        "undecodable_image"),
                new Case("signature only", "POST", "/v1/search", "image/gif", utf8("GIF89a"), 422, "undecodable_image"),
                // enormous declared dimensions
                new Case(
                        "PNG bomb",
                        "POST",
                        "/v1/search",
                        "image/png",
                        TestImages.pngBomb(100_000),
                        413,
                        "too_many_pixels"),
                new Case(
                        "JPEG bomb", "POST", "/v1/search", "image/jpeg", TestImages.jpegBomb(), 413, "too_many_pixels"),
                new Case("GIF bomb", "POST", "/v1/search", "image/gif", TestImages.gifBomb(), 413, "too_many_pixels"),
                new Case("BMP bomb", "POST", "/v1/search", "image/bmp", TestImages.bmpBomb(), 413, "too_many_pixels"),
                new Case(
                        "PUT of a bomb",
                        "PUT",
                        "/v1/images/bomb",
                        "image/png",
                        TestImages.pngBomb(100_000),
                        413,
                        "too_many_pixels"),
                new Case(
                        "thumbnail of a stored bomb",
                        "GET",
                        "/v1/images/stored-bomb/thumbnail",
                        null,
                        null,
                        413,
                        "too_many_pixels"),
                // unsupported formats
                new Case(
                        "SVG",
                        "POST",
                        "/v1/search",
                        "image/svg+xml",
                        TestImages.svg(),
                        415,
                        "unsupported_image_format"),
                new Case(
                        "SVG as octet-stream",
                        "POST",
                        "/v1/search",
                        "application/octet-stream",
                        TestImages.svg(),
                        415,
                        "unsupported_image_format"),
                new Case(
                        "WebP", "POST", "/v1/search", "image/webp", TestImages.webp(), 415, "unsupported_image_format"),
                new Case(
                        "PUT of SVG",
                        "PUT",
                        "/v1/images/x4",
                        "image/svg+xml",
                        TestImages.svg(),
                        415,
                        "unsupported_image_format"),
                new Case(
                        "HTML",
                        "POST",
                        "/v1/search",
                        "image/png",
                        utf8("<html><script>alert(1)</script></html>"),
                        415,
                        "unsupported_image_format"),
                // k out of range
                new Case("k=0", "POST", "/v1/search?k=0", "image/png", RED, 400, "invalid_k"),
                new Case("k=-1", "POST", "/v1/search?k=-1", "image/png", RED, 400, "invalid_k"),
                new Case("k=10^9", "POST", "/v1/search?k=1000000000", "image/png", RED, 400, "invalid_k"),
                new Case("k=abc", "GET", "/v1/images/red/similar?k=abc", null, null, 400, "invalid_k"),
                new Case("k twice", "GET", "/v1/images/red/similar?k=1&k=2", null, null, 400, "invalid_k"),
                new Case(
                        "JSON k=0",
                        "POST",
                        "/v1/search",
                        "application/json",
                        utf8("{\"vector\": [1, 0, 0], \"k\": 0}"),
                        400,
                        "invalid_k"),
                new Case(
                        "JSON k=10^9",
                        "POST",
                        "/v1/search",
                        "application/json",
                        utf8("{\"vector\": [1, 0, 0], \"k\": 1000000000}"),
                        400,
                        "invalid_k"),
                new Case(
                        "JSON k=-1",
                        "POST",
                        "/v1/search",
                        "application/json",
                        utf8("{\"vector\": [1, 0, 0], \"k\": -1}"),
                        400,
                        "invalid_k"),
                new Case("thumbnail size=0", "GET", "/v1/images/red/thumbnail?size=0", null, null, 400, "invalid_size"),
                new Case(
                        "thumbnail size=10^9",
                        "GET",
                        "/v1/images/red/thumbnail?size=1000000000",
                        null,
                        null,
                        400,
                        "invalid_size"),
                // unknown ids
                new Case("unknown image", "GET", "/v1/images/no-such-image", null, null, 404, "image_not_found"),
                new Case("unknown meta", "GET", "/v1/images/no-such-image/meta", null, null, 404, "image_not_found"),
                new Case(
                        "unknown similar",
                        "GET",
                        "/v1/images/no-such-image/similar",
                        null,
                        null,
                        404,
                        "image_not_found"),
                new Case(
                        "unknown thumbnail",
                        "GET",
                        "/v1/images/no-such-image/thumbnail",
                        null,
                        null,
                        404,
                        "image_not_found"),
                new Case(
                        "unknown id in JSON",
                        "POST",
                        "/v1/search",
                        "application/json",
                        utf8("{\"id\": \"no-such-image\"}"),
                        404,
                        "image_not_found"),
                // ids with path or injection characters
                new Case(
                        "encoded path traversal",
                        "GET",
                        "/v1/images/..%2F..%2Fetc%2Fpasswd",
                        null,
                        null,
                        400,
                        "invalid_id"),
                new Case("dot-dot id", "GET", "/v1/images/../meta", null, null, 404, "route_not_found"),
                new Case("SQL injection", "GET", "/v1/images/a'%20OR%20'1'%3D'1/meta", null, null, 400, "invalid_id"),
                new Case(
                        "script tag",
                        "GET",
                        "/v1/images/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                        null,
                        null,
                        400,
                        "invalid_id"),
                new Case("NUL byte", "GET", "/v1/images/a%00b", null, null, 400, "invalid_id"),
                new Case("CRLF", "DELETE", "/v1/images/a%0D%0ASet-Cookie:x", null, null, 400, "invalid_id"),
                new Case("hidden-file id", "PUT", "/v1/images/.htaccess", "image/png", RED, 400, "invalid_id"),
                new Case(
                        "shell metacharacters",
                        "GET",
                        "/v1/images/a;rm%20-rf%20$(x)/similar",
                        null,
                        null,
                        400,
                        "invalid_id"),
                new Case("id of 201 characters", "GET", "/v1/images/" + "a".repeat(201), null, null, 400, "invalid_id"),
                new Case(
                        "injection id in JSON",
                        "POST",
                        "/v1/search",
                        "application/json",
                        utf8("{\"id\": \"x'; DROP TABLE images;--\"}"),
                        400,
                        "invalid_id"));
        // (A malformed percent-encoding cannot be sent with java.net.http; ApiServerTest sends one raw.)
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputGetsItsSpecificJsonError(Case c) throws Exception {
        HttpResponse<String> response = send(c.method(), c.path(), c.contentType(), c.body());
        assertEquals(c.status(), response.statusCode(), c.name() + ": " + response.body());
        assertTrue(
                response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                c.name() + ": " + response.headers().map());
        JsonObject error = new JsonObject(response.body()).getJsonObject("error");
        assertNotNull(error, response.body());
        assertEquals(c.code(), error.getString("code"), c.name() + ": " + response.body());
        assertEquals(c.status(), error.getInteger("status"));
        assertTrue(error.getString("message").length() > 10, response.body());
    }

    /** After every case: the server still ranks a good query correctly, so nothing was left broken. */
    @AfterEach
    void serverStillServes() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/search?k=3", "image/png", TestImages.png(20, 20, 0xF00000));
        assertEquals(200, response.statusCode(), response.body());
        JsonObject body = new JsonObject(response.body());
        assertEquals("red", body.getJsonArray("results").getJsonObject(0).getString("id"), response.body());
        assertEquals("mean-colour", body.getJsonObject("model").getString("id"));
    }

    @Test
    void nothingBadWasPublished() {
        // The bad PUTs above were all refused before reaching Kafka (run order does not matter: none is good).
        assertTrue(sink.published.isEmpty(), sink.published.toString());
    }

    @Test
    void thumbnailsKeepTheAspectRatioAndNeverEnlarge() throws Exception {
        for (int size : new int[] {16, 20, 128}) {
            HttpResponse<byte[]> response = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/v1/images/green/thumbnail?size=" + size))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode());
            assertEquals(
                    "image/png", response.headers().firstValue("Content-Type").orElse(""));
            BufferedImage thumbnail = ImageIO.read(new ByteArrayInputStream(response.body()));
            // green is 30 x 40: the long side becomes min(size, 40), the short one keeps the ratio.
            int longSide = Math.min(size, 40);
            assertEquals(longSide, thumbnail.getHeight(), "size " + size);
            assertEquals(Math.round(longSide * 30 / 40.0), thumbnail.getWidth(), "size " + size);
            int centre = thumbnail.getRGB(thumbnail.getWidth() / 2, thumbnail.getHeight() / 2);
            // Still green within the noise (+-4) and filtering.
            assertTrue(((centre >> 8) & 0xFF) > 200 && ((centre >> 16) & 0xFF) < 40, Integer.toHexString(centre));
        }
    }

    @Test
    void aValidJsonQueryPassesTheOpenApiGate() throws Exception {
        HttpResponse<String> response = send(
                "POST",
                "/v1/search",
                "application/json",
                utf8("{\"vector\": [0.1, 0.1, 0.9], \"k\": 2, \"filter\": {\"metadata\": {}, \"ingestedFrom\": 0}}"));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(
                "blue",
                new JsonObject(response.body())
                        .getJsonArray("results")
                        .getJsonObject(0)
                        .getString("id"));
    }

    @Test
    void idsThatLookLikeNumbersAreStillIds() throws Exception {
        // The OpenAPI validator decodes parameter values as JSON; ids such as 1.5 or -1 must stay strings.
        for (String id : List.of("1.5", "-1", "true", "null", "1e5")) {
            HttpResponse<String> response = send("GET", "/v1/images/" + id + "/meta", null, null);
            assertEquals(404, response.statusCode(), id + ": " + response.body());
            assertEquals(
                    "image_not_found",
                    new JsonObject(response.body()).getJsonObject("error").getString("code"));
        }
    }

    private static HttpResponse<String> send(String method, String path, String contentType, byte[] body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] jpeg() {
        return TestImages.encode(TestImages.solid(64, 64, 0x2080C0, 9), "jpg");
    }

    private static byte[] hugePng() {
        byte[] huge = new byte[IMAGE_MAX_BYTES + 1];
        System.arraycopy(RED, 0, huge, 0, RED.length);
        return huge;
    }

    private static byte[] hugeJson() {
        StringBuilder json = new StringBuilder("{\"vector\": [");
        while (json.length() < (1 << 20) + 16) {
            json.append("0.5, ");
        }
        return utf8(json.append("0.5]}").toString());
    }

    private static byte[] batchOf(int queries) {
        StringBuilder json = new StringBuilder("{\"queries\": [");
        for (int i = 0; i < queries; i++) {
            json.append(i == 0 ? "" : ", ").append("{\"vector\": [1, 0, 0]}");
        }
        return utf8(json.append("]}").toString());
    }
}
