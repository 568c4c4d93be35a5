package io.dinostream.common.kafka;

import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/** Readings of Kafka clients' own metrics. */
public final class KafkaMetrics {
    private KafkaMetrics() {}

    /**
     * The largest consumer lag (records behind the end of a partition) among a client's metrics, from the
     * consumer's {@code records-lag-max}; 0 before the first fetch.
     */
    public static double maxRecordsLag(Map<MetricName, ? extends Metric> metrics) {
        double lag = 0;
        for (Map.Entry<MetricName, ? extends Metric> entry : metrics.entrySet()) {
            if (entry.getKey().name().equals("records-lag-max")
                    && entry.getValue().metricValue() instanceof Number value
                    && Double.isFinite(value.doubleValue())) {
                lag = Math.max(lag, value.doubleValue());
            }
        }
        return lag;
    }
}
