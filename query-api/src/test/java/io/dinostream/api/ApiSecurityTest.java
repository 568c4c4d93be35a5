package io.dinostream.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.api.security.ApiAccess;
import io.dinostream.api.security.ApiKeys;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * API keys and roles, public reads, rate limits: every write route answers 401 without a key and 403
 * with a read key; reads need a key unless made public; an unknown key is refused; a caller over its
 * rate gets 429 with Retry-After; the secret never appears in an answer.
 */
class ApiSecurityTest {
    private static final String READ = "read-secret-0123456789";
    private static final String WRITE = "write-secret-0123456789";
    private static final String ADMIN = "admin-secret-0123456789";
    private static final ApiKeys KEYS = ApiKeys.parse(
            "# the test's keys\nreader:read:" + READ + "\nwriter:write:" + WRITE + "\nops:admin:" + ADMIN, "test");

    private final HttpClient http = HttpClient.newHttpClient();
    private Vertx vertx;
    private ApiServer server;
    private int port;

    private volatile java.util.Map<String, Boolean> readiness = java.util.Map.of("kafka", true, "index", true);

    private void start(boolean publicRead, double rate) {
        vertx = Vertx.vertx();
        FixedVectorEmbedderDouble embedder =
                new FixedVectorEmbedderDouble().map(ApiServerTest.png("q"), new float[] {1, 0, 0});
        InMemoryIndexReaderDouble index =
                new InMemoryIndexReaderDouble(3).put(ApiServerTest.stored("red", new float[] {1, 0, 0}, "{}"));
        ApiServices services = ApiServices.search(embedder, index)
                .withIngest(new RecordingImageSinkDouble(4096))
                .withReadiness(() -> readiness);
        ApiAccess access = new ApiAccess(KEYS, publicRead, rate, Duration.ofSeconds(10));
        server = ApiServer.create(vertx, new ApiServerOptions("127.0.0.1", 0, 2, 4096, access), services);
        port = server.start().await();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close().await();
        }
        if (vertx != null) {
            vertx.close().await();
        }
    }

    private HttpResponse<String> call(String method, String path, String key, String keyHeader) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(ApiServerTest.png("q")))
                .header("Content-Type", "image/png");
        if (key != null) {
            request.header(keyHeader, keyHeader.equals("Authorization") ? "Bearer " + key : key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> call(String method, String path, String key) throws Exception {
        return call(method, path, key, "Authorization");
    }

    @Test
    void writeRoutesNeedAWriteKeyAndReadsNeedAKey() throws Exception {
        start(false, 0);
        for (String method : new String[] {"PUT", "DELETE"}) {
            HttpResponse<String> none = call(method, "/v1/images/new-1", null);
            assertEquals(401, none.statusCode(), none.body());
            assertTrue(none.body().contains("\"unauthorized\""), none.body());
            assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""));
            HttpResponse<String> reader = call(method, "/v1/images/new-1", READ);
            assertEquals(403, reader.statusCode(), reader.body());
            assertTrue(reader.body().contains("\"forbidden\""), reader.body());
            assertEquals(202, call(method, "/v1/images/new-1", WRITE).statusCode());
            assertEquals(
                    202, call(method, "/v1/images/new-1", ADMIN, "X-Api-Key").statusCode(), "admin includes write");
        }
        assertEquals(401, call("POST", "/v1/search", null).statusCode());
        assertEquals(401, call("GET", "/v1/images/red/meta", null).statusCode());
        assertEquals(200, call("POST", "/v1/search", READ).statusCode());
        assertEquals(200, call("GET", "/v1/images/red/meta", READ, "X-Api-Key").statusCode());
        HttpResponse<String> wrong = call("POST", "/v1/search", "not-a-key-0123456789");
        assertEquals(401, wrong.statusCode());
        assertFalse(wrong.body().contains("not-a-key"), "a presented secret is never echoed");
        assertEquals(200, call("GET", "/health", null).statusCode(), "health is public");
        assertEquals(401, call("GET", "/metrics", null).statusCode(), "metrics need a key");
        HttpResponse<String> metrics = call("GET", "/metrics", READ);
        assertEquals(200, metrics.statusCode());
        assertTrue(
                metrics.body()
                        .contains(
                                "dinostream_http_requests_seconds_count{method=\"POST\",route=\"/v1/search\",status=\"401\"}"),
                metrics.body());
    }

    @Test
    void publicReadsLeaveWritesGuarded() throws Exception {
        start(true, 0);
        assertEquals(200, call("POST", "/v1/search", null).statusCode());
        assertEquals(401, call("PUT", "/v1/images/new-2", null).statusCode());
        assertEquals(403, call("PUT", "/v1/images/new-2", READ).statusCode());
    }

    @Test
    void aCallerOverItsRateGets429WithRetryAfter() throws Exception {
        start(false, 5); // bursts of 10
        int ok = 0;
        int limited = 0;
        HttpResponse<String> last = null;
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> response = call("GET", "/v1/images/red/meta", READ);
            if (response.statusCode() == 429) {
                limited++;
                last = response;
            } else {
                assertEquals(200, response.statusCode(), response.body());
                ok++;
            }
        }
        assertTrue(ok >= 10 && ok < 20, "about a burst of 10 passes: " + ok);
        assertTrue(limited > 0);
        assertTrue(last.body().contains("\"rate_limited\""), last.body());
        assertTrue(last.headers().firstValue("Retry-After").isPresent());
        // Another key has its own budget.
        assertEquals(200, call("GET", "/v1/images/red/meta", ADMIN).statusCode());
    }

    @Test
    void everyAnswerCarriesARequestIdThatErrorsRepeat() throws Exception {
        start(false, 0);
        HttpResponse<String> ok = call("GET", "/v1/images/red/meta", READ);
        String generated = ok.headers().firstValue("X-Request-Id").orElseThrow();
        assertTrue(generated.matches("[0-9a-f]{16}"), generated);
        HttpRequest traced = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/images/nope/meta"))
                .header("X-Request-Id", "trace-42")
                .header("X-Api-Key", READ)
                .build();
        HttpResponse<String> missing = http.send(traced, HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
        assertEquals("trace-42", missing.headers().firstValue("X-Request-Id").orElseThrow(), "a caller's id is kept");
        assertTrue(missing.body().contains("\"requestId\":\"trace-42\""), missing.body());
        HttpRequest hostile = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .header("X-Request-Id", "<script>")
                .build();
        String replaced = http.send(hostile, HttpResponse.BodyHandlers.ofString())
                .headers()
                .firstValue("X-Request-Id")
                .orElseThrow();
        assertTrue(replaced.matches("[0-9a-f]{16}"), "an id that is not a plain token is replaced: " + replaced);
    }

    @Test
    void readyNamesEachCheckAndAnswers503UntilAllPass() throws Exception {
        start(false, 0);
        HttpResponse<String> ready = call("GET", "/ready", null);
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("\"READY\""), ready.body());
        readiness = java.util.Map.of("kafka", false, "index", true);
        HttpResponse<String> notReady = call("GET", "/ready", null);
        assertEquals(503, notReady.statusCode());
        assertTrue(notReady.body().contains("\"kafka\":false"), notReady.body());
    }

    @Test
    void keyFilesAreValidated() {
        IllegalArgumentException shortSecret = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> ApiKeys.parse("a:read:short", "file x"));
        assertTrue(shortSecret.getMessage().contains("shorter than 16"), shortSecret.getMessage());
        assertFalse(shortSecret.getMessage().contains("short:"), "the secret is not in the message");
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> ApiKeys.parse("a:owner:0123456789abcdef0", "file x"));
        assertFalse(KEYS.toString().contains(READ), "toString hides secrets: " + KEYS);
        ApiKeys.Generated generated = ApiKeys.generate("demo");
        assertTrue(generated.keys().authenticate(generated.secret()).isPresent());
        assertTrue(generated.secret().startsWith("ds_") && generated.secret().length() >= 32);
    }
}
