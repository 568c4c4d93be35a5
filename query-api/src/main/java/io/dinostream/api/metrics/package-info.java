/** Prometheus metrics of the process through Micrometer ({@code ApiMetrics}), served at {@code /metrics}. */
package io.dinostream.api.metrics;
