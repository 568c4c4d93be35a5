package io.dinostream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.bench.GpuIndexBenchmark;
import io.dinostream.index.faiss.GpuSupport;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;

/**
 * {@code dinostream bench gpu-index} where no GPU is usable (CI): it refuses with the reason, and its
 * report table renders. (On a GPU machine the benchmark itself runs; docs/performance.md has a run.)
 */
class BenchGpuIndexCommandTest {
    static boolean gpuPresent() {
        return GpuSupport.available();
    }

    @Test
    @DisabledIf("gpuPresent")
    void withoutAGpuItExitsWithTheReason() throws Exception {
        assertEquals(1, Main.run(List.of("bench", "gpu-index", "--base", "1000", "--dim", "16", "--queries", "10")));
    }

    @Test
    void theReportHasOneRowPerCaseAndSaysWhereItRan() {
        String table = GpuIndexBenchmark.markdown(
                1000,
                16,
                10,
                List.of(
                        new GpuIndexBenchmark.Row("Flat", "", 100, 4000, 0.5, 1.0, 1.0, true),
                        new GpuIndexBenchmark.Row("HNSW32", "efSearch=64", 100, 100, 0.0, 0.9, 0.9, false)));
        assertTrue(table.contains("| Flat |  | 100 | 4000 | 40.0 | 0.50 | 1.0000 | 1.0000 | yes |"), table);
        assertTrue(table.contains("| HNSW32 | efSearch=64 | 100 | 100 | 1.0 |"), table);
        assertTrue(table.contains("no (CPU fallback)"), table);
    }
}
