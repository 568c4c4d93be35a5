package io.dinostream.api.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;

/**
 * The process's Prometheus metrics (Micrometer), served at {@code GET /metrics}: HTTP request latency
 * histograms by route, method and status, model and index call timings, and whatever the roles bind
 * to {@link #registry()} (index size, dead letters, freshness, Kafka client metrics such as consumer lag).
 */
public final class ApiMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** The registry roles bind their meters to. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Records one HTTP request; {@code route} is the route's template, e.g. {@code /v1/images/:id}. */
    public void recordRequest(String route, String method, int status, long nanos) {
        Timer.builder("dinostream_http_requests")
                .description("HTTP requests by route template, method and status")
                .tag("route", route)
                .tag("method", method)
                .tag("status", Integer.toString(status))
                .publishPercentileHistogram()
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Records one call of the model ({@code embed}) or the index ({@code search}, {@code get}). */
    public void recordCall(String kind, long nanos) {
        Timer.builder("dinostream_calls")
                .description("model and index calls made by the API")
                .tag("kind", kind)
                .publishPercentileHistogram()
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }
}
