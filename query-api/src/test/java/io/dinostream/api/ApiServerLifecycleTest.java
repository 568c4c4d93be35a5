package io.dinostream.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.api.security.ApiAccess;
import io.dinostream.common.config.DinostreamConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Starting, stopping and configuring the server. */
// Generous: on a loaded shared build machine one request has taken 45 s; an idle one takes milliseconds.
@Timeout(value = 3, timeUnit = TimeUnit.MINUTES)
@ExtendWith(VertxExtension.class)
class ApiServerLifecycleTest {

    private static ApiServer newServer(Vertx vertx) {
        return ApiServer.create(
                vertx,
                new ApiServerOptions("127.0.0.1", 0, 1, 4096),
                new FixedVectorEmbedderDouble(),
                new InMemoryIndexReaderDouble(3));
    }

    @Test
    void startReportsTheBoundPortAndCloseReleasesIt(Vertx vertx, VertxTestContext tc) {
        Checkpoint servedWhileOpen = tc.checkpoint();
        Checkpoint refusedAfterClose = tc.checkpoint();
        ApiServer server = newServer(vertx);
        HttpClient client = vertx.createHttpClient();
        assertEquals(-1, server.actualPort());
        server.start()
                .compose(port -> {
                    tc.verify(() -> {
                        assertTrue(port > 0, "port " + port);
                        assertEquals(port, server.actualPort());
                    });
                    return client.request(HttpMethod.GET, port, "127.0.0.1", "/health")
                            .compose(request -> request.send())
                            .map(response -> {
                                tc.verify(() -> assertEquals(200, response.statusCode()));
                                servedWhileOpen.flag();
                                return port;
                            });
                })
                .compose(port -> server.close().map(port))
                .onComplete(tc.succeeding(port -> client.request(HttpMethod.GET, port, "127.0.0.1", "/health")
                        .compose(request -> request.send())
                        .onComplete(tc.failing(connectionRefused -> refusedAfterClose.flag()))));
    }

    @Test
    void secondStartFails(Vertx vertx, VertxTestContext tc) {
        ApiServer server = newServer(vertx);
        server.start()
                .compose(port -> server.start())
                .onComplete(tc.failing(error -> tc.verify(() -> {
                    assertTrue(error instanceof IllegalStateException, error.toString());
                    server.close().onComplete(tc.succeedingThenComplete());
                })));
    }

    @Test
    void closeIsIdempotentAndStartAfterCloseFails(Vertx vertx, VertxTestContext tc) {
        ApiServer server = newServer(vertx);
        server.start()
                .compose(port -> server.close())
                .onComplete(tc.succeeding(v -> tc.verify(() -> {
                    assertSame(server.close(), server.close());
                    assertTrue(server.close().succeeded());
                    server.start().onComplete(tc.failing(error -> tc.completeNow()));
                })));
    }

    @Test
    void closeBeforeStartSucceeds(Vertx vertx, VertxTestContext tc) {
        newServer(vertx).close().onComplete(tc.succeedingThenComplete());
    }

    @Test
    void optionsComeFromTheConfig() {
        DinostreamConfig config = new DinostreamConfig(Map.of(
                DinostreamConfig.API_HOST, "0.0.0.0",
                DinostreamConfig.API_PORT, "9123",
                DinostreamConfig.API_WORKER_THREADS, "7",
                DinostreamConfig.IMAGE_MAX_BYTES, "2048"));
        ApiServerOptions options = ApiServerOptions.fromConfig(config, ApiAccess.UNRESTRICTED);
        assertEquals(new ApiServerOptions("0.0.0.0", 9123, 7, 2048), options);
        assertEquals(2048L + ApiServerOptions.MULTIPART_OVERHEAD_BYTES, options.multipartMaxBytes());
    }

    @Test
    void defaultsMatchTheConfigDefaults() {
        assertEquals(
                ApiServerOptions.defaults(),
                ApiServerOptions.fromConfig(new DinostreamConfig(Map.of()), ApiAccess.UNRESTRICTED));
    }

    @Test
    void invalidOptionsNameTheBadValue() {
        IllegalArgumentException port =
                assertThrows(IllegalArgumentException.class, () -> new ApiServerOptions("127.0.0.1", 70000, 1, 10));
        assertTrue(port.getMessage().contains("70000"), port.getMessage());
        IllegalArgumentException threads =
                assertThrows(IllegalArgumentException.class, () -> new ApiServerOptions("127.0.0.1", 0, 0, 10));
        assertTrue(threads.getMessage().contains("workerThreads"), threads.getMessage());
    }
}
