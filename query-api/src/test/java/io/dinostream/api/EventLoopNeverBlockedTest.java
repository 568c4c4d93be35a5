package io.dinostream.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.embedder.EmbedOutcome;
import io.dinostream.embedder.ImageEmbedder;
import io.dinostream.index.ImageIndexReader;
import io.dinostream.index.SearchFilter;
import io.dinostream.index.SearchHit;
import io.dinostream.index.StoredImage;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Under load with a slow model and a slow index (each call sleeps, as a real one computes), Vert.x's
 * blocked-thread checker, set to complain after 200 ms, reports no blocked event-loop thread: model and
 * index calls run on the named worker pool.
 */
class EventLoopNeverBlockedTest {
    private static final long SLOW_MS = 150; // two of them block the loop past the 200 ms limit

    @Test
    void slowModelAndIndexCallsNeverBlockTheEventLoop() throws Exception {
        Logger checker = (Logger) LoggerFactory.getLogger("io.vertx.core.impl.BlockedThreadChecker");
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        checker.addAppender(warnings);
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setBlockedThreadCheckInterval(20)
                .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
                .setMaxEventLoopExecuteTime(200)
                .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                .setWarningExceptionTime(100)
                .setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS));
        ImageIndexReader index = new SlowIndex(
                new InMemoryIndexReaderDouble(3).put(ApiServerTest.stored("red", new float[] {1, 0, 0}, "{}")));
        // The checker works: a handler that blocks the event loop is reported.
        CompletableFuture<Void> blocked = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            sleep();
            sleep();
            blocked.complete(null);
        });
        blocked.get(1, TimeUnit.MINUTES);
        Thread.sleep(100); // let the checker's next round see it had been blocked
        assertTrue(
                warnings.list.stream().anyMatch(e -> e.getFormattedMessage().contains("blocked")),
                "the blocked-thread checker must report a deliberately blocked event loop");
        warnings.list.clear();
        ApiServer server =
                ApiServer.create(vertx, new ApiServerOptions("127.0.0.1", 0, 8, 4096), new SlowModel(), index);
        try {
            int port = server.start().await();
            // HTTP/1.1: over one h2c connection 128 requests would exceed the server's stream limit.
            HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/search?k=1"))
                        .header("Content-Type", "image/png")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(ApiServerTest.png("load-" + i)))
                        .build();
                calls.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
                calls.add(http.sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                assertEquals(200, call.get(2, TimeUnit.MINUTES).statusCode());
            }
        } finally {
            server.close().await();
            vertx.close().await();
            checker.detachAppender(warnings);
        }
        assertTrue(
                warnings.list.stream().noneMatch(e -> e.getFormattedMessage().contains("blocked")),
                () -> "blocked-thread warnings: " + warnings.list);
    }

    private static void sleep() {
        try {
            Thread.sleep(SLOW_MS); // stands for the compute time of a real model or index call
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** TEST DOUBLE: the in-memory index, {@value #SLOW_MS} ms per search. */
    private static final class SlowIndex implements ImageIndexReader {
        private final ImageIndexReader delegate;

        SlowIndex(ImageIndexReader delegate) {
            this.delegate = delegate;
        }

        @Override
        public long size() {
            return delegate.size();
        }

        @Override
        public List<SearchHit> search(float[] query, int k) {
            sleep();
            return delegate.search(query, k);
        }

        @Override
        public List<SearchHit> search(float[] query, int k, SearchFilter filter) {
            sleep();
            return delegate.search(query, k, filter);
        }

        @Override
        public Optional<StoredImage> get(String id) {
            sleep();
            return delegate.get(id);
        }
    }

    /** TEST DOUBLE: a model that takes {@value #SLOW_MS} ms per call and returns a fixed vector. */
    private static final class SlowModel implements ImageEmbedder {
        @Override
        public EmbeddingSpec spec() {
            return new EmbeddingSpec("slow-test", "1", 3, "cls", "l2");
        }

        @Override
        public List<EmbedOutcome> embed(List<byte[]> images) {
            sleep();
            List<EmbedOutcome> out = new ArrayList<>();
            images.forEach(image -> out.add(EmbedOutcome.success(new float[] {1, 0, 0})));
            return out;
        }

        @Override
        public void close() {}
    }
}
