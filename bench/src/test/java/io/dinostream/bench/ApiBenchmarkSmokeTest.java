package io.dinostream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.common.config.DinostreamConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench api} end to end at a tiny size, so that the benchmark keeps working: real broker, Streams
 * index, model and HTTP server; every request answered 200. (Speed is the benchmark's business, not this
 * test's.)
 */
class ApiBenchmarkSmokeTest {
    @Test
    void everyCaseRunsWithoutAnErrorAnswer(@TempDir Path dir) throws Exception {
        ApiBenchmark.Options options = new ApiBenchmark.Options(
                2_000, 20, List.of(2), List.of(1), 1.0, 50, 0, 0, new DinostreamConfig(Map.of()), dir);
        ApiBenchmark.Result result = ApiBenchmark.run(options, line -> {});
        assertEquals(5, result.rows().size(), result.rows().toString());
        for (ApiBenchmark.Row row : result.rows()) {
            assertTrue(row.requests() > 0, row.toString());
            assertEquals(0, row.errors(), row.toString());
            assertTrue(row.p99Ms() >= row.p50Ms(), row.toString());
        }
        assertEquals(0, result.errors());
        assertTrue(
                ApiBenchmark.markdown(result).contains("| vector | HTTP | open, 50/s |"),
                ApiBenchmark.markdown(result));
    }

    @Test
    void percentilesAreNearestRank() {
        long[] sorted = new long[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = (i + 1) * 1_000_000L; // 1..100 ms
        }
        assertEquals(50.0, HttpLoad.Latencies.percentile(sorted, 0.50));
        assertEquals(99.0, HttpLoad.Latencies.percentile(sorted, 0.99));
        assertEquals(100.0, HttpLoad.Latencies.percentile(sorted, 1.0));
        assertTrue(Double.isNaN(HttpLoad.Latencies.percentile(new long[0], 0.5)));
    }

    @Test
    void syntheticVectorsAreUnitLengthAndSeeded() {
        SyntheticVectors a = new SyntheticVectors(48, 10, 3);
        SyntheticVectors b = new SyntheticVectors(48, 10, 3);
        for (int i = 0; i < 100; i++) {
            float[] v = a.next();
            float[] w = b.next();
            double norm = 0;
            for (int j = 0; j < v.length; j++) {
                norm += v[j] * v[j];
                assertEquals(v[j], w[j]);
            }
            assertEquals(1.0, norm, 1e-5);
        }
    }
}
