package io.dinostream.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * An HTTP/1.1 load generator on Vert.x's client, for {@code bench api}. Closed loop: a fixed number of
 * requests in flight, each answer sends the next (throughput at a concurrency). Open loop: requests sent on
 * a fixed schedule whatever the answers do, each latency measured from when it was <em>due</em>, so a stall
 * counts against every request it delays (no coordinated omission). Any answer other than 200 is an error.
 */
final class HttpLoad implements AutoCloseable {
    /** One request: method, URI, headers (name, value pairs) and body. */
    record Call(HttpMethod method, String uri, String[] headers, Buffer body) {}

    /** What a run measured; latencies in milliseconds. */
    record Measured(
            long requests, long errors, double seconds, double p50Ms, double p99Ms, double maxMs, String firstError) {
        double perSecond() {
            return requests / seconds;
        }
    }

    static final int UNANSWERED_WAIT_SECONDS = 75;

    private final Vertx vertx;
    private final io.vertx.core.Context context;
    private final HttpClient client;
    private final int port;

    HttpLoad(int port, int maxConnections) {
        this.vertx = Vertx.vertx();
        this.port = port;
        this.context = vertx.getOrCreateContext();
        this.client = vertx.createHttpClient(
                new HttpClientOptions()
                        .setKeepAlive(true)
                        .setDefaultHost("127.0.0.1")
                        .setDefaultPort(port),
                new PoolOptions().setHttp1MaxSize(maxConnections));
    }

    /** {@code concurrency} requests in flight for {@code seconds}, after {@code warmUpSeconds} unmeasured. */
    Measured closedLoop(int concurrency, double warmUpSeconds, double seconds, IntFunction<Call> calls)
            throws InterruptedException {
        run(concurrency, warmUpSeconds, calls, new Latencies());
        return run(concurrency, seconds, calls, new Latencies());
    }

    private Measured run(int concurrency, double seconds, IntFunction<Call> calls, Latencies latencies)
            throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + (long) (seconds * 1e9);
        CountDownLatch done = new CountDownLatch(concurrency);
        AtomicLong sequence = new AtomicLong();
        for (int c = 0; c < concurrency; c++) {
            context.runOnContext(v -> next(calls, sequence, deadline, latencies, done));
        }
        done.await();
        return latencies.measured((System.nanoTime() - started) / 1e9);
    }

    private void next(
            IntFunction<Call> calls, AtomicLong sequence, long deadline, Latencies latencies, CountDownLatch done) {
        if (System.nanoTime() >= deadline) {
            done.countDown();
            return;
        }
        long sent = System.nanoTime();
        send(calls.apply((int) sequence.getAndIncrement())).onComplete(outcome -> {
            latencies.record(
                    System.nanoTime() - sent,
                    outcome.succeeded() ? outcome.result() : outcome.cause().toString());
            next(calls, sequence, deadline, latencies, done);
        });
    }

    /**
     * Requests at {@code perSecond} for {@code seconds}; waits up to {@value #UNANSWERED_WAIT_SECONDS} s for the
     * last answers. Latency runs from each request's due time.
     */
    Measured openLoop(double perSecond, double seconds, IntFunction<Call> calls) throws InterruptedException {
        Latencies latencies = new Latencies();
        int total = (int) Math.round(perSecond * seconds);
        CountDownLatch answered = new CountDownLatch(total);
        long started = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = started + (long) (i / perSecond * 1e9);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            HttpLoad.Call call = calls.apply(i);
            // Sent from the client's own event loop: calls from this thread raced with the pool there and,
            // about once in ten thousand requests, one was never sent nor failed.
            context.runOnContext(v -> send(call).onComplete(outcome -> {
                latencies.record(
                        System.nanoTime() - due,
                        outcome.succeeded() ? outcome.result() : outcome.cause().toString());
                answered.countDown();
            }));
        }
        // Longer than the server's request timeout, so that a request the server never finishes still comes
        // back (as its 503) and is counted as an error; only a request lost on the client would stay out.
        if (!answered.await(UNANSWERED_WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException(answered.getCount() + " requests unanswered " + UNANSWERED_WAIT_SECONDS
                    + " s after the last was sent");
        }
        return latencies.measured((System.nanoTime() - started) / 1e9);
    }

    /** Completes with null for a 200, else with a description of what came back. */
    private Future<String> send(Call call) {
        // A request that gets no answer fails after a minute (counted as an error) instead of waiting forever.
        RequestOptions options = new RequestOptions()
                .setMethod(call.method())
                .setURI(call.uri())
                .setPort(port)
                .setIdleTimeout(60_000);
        for (int i = 0; i < call.headers().length; i += 2) {
            options.addHeader(call.headers()[i], call.headers()[i + 1]);
        }
        return client.request(options)
                .compose(request -> call.body() == null ? request.send() : request.send(call.body()))
                .compose(response -> response.body()
                        .map(body -> response.statusCode() == 200
                                ? null
                                : "HTTP " + response.statusCode() + " "
                                        + body.toString().substring(0, Math.min(200, body.length()))));
    }

    @Override
    public void close() {
        client.close().await();
        vertx.close().await();
    }

    /** Latencies of one run, and its errors. Thread-safe. */
    static final class Latencies {
        private long[] nanos = new long[1 << 16];
        private int count;
        private long errors;
        private String firstError;

        synchronized void record(long latencyNanos, String error) {
            if (error != null) {
                errors++;
                if (firstError == null) {
                    firstError = error;
                }
            }
            if (count == nanos.length) {
                nanos = Arrays.copyOf(nanos, count * 2);
            }
            nanos[count++] = latencyNanos;
        }

        synchronized Measured measured(double seconds) {
            long[] sorted = Arrays.copyOf(nanos, count);
            Arrays.sort(sorted);
            return new Measured(
                    count,
                    errors,
                    seconds,
                    percentile(sorted, 0.50),
                    percentile(sorted, 0.99),
                    percentile(sorted, 1.0),
                    firstError);
        }

        static double percentile(long[] sorted, double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(p * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
        }
    }
}
