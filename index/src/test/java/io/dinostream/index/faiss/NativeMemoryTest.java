package io.dinostream.index.faiss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.dinostream.index.vector.VectorIndex;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A million add/remove cycles through each FAISS-backed index keep the process's resident memory
 * bounded: every JavaCPP pointer, selector and FAISS object of a call is freed. Measured as the growth
 * of VmRSS between the end of a warm-up (100,000 cycles) and the end, against a 64 MB bound.
 *
 * <p>RSS counts every heap page the JVM has touched, so the test runs in its own surefire execution
 * ({@code native-memory} in index/pom.xml) whose heap is fixed and pre-touched: then the heap is
 * resident from the start and all growth is native. In a JVM without that heap (a shared fork, or
 * {@code -Dtest} reaching the default execution) it is skipped, because the figure would mean nothing.
 */
class NativeMemoryTest {
    private static final int CYCLES = 1_000_000;
    private static final int WARM_UP = 100_000;
    private static final long BOUND_BYTES = 64L << 20;

    @BeforeAll
    static void requireAFixedPreTouchedHeap() {
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        boolean preTouched =
                Boolean.parseBoolean(hotspot.getVMOption("AlwaysPreTouch").getValue());
        long initial = Long.parseLong(hotspot.getVMOption("InitialHeapSize").getValue());
        long max = Long.parseLong(hotspot.getVMOption("MaxHeapSize").getValue());
        assumeTrue(
                preTouched && initial == max,
                "NativeMemoryTest needs a fixed, pre-touched heap (surefire execution native-memory): AlwaysPreTouch="
                        + preTouched + ", InitialHeapSize=" + initial + ", MaxHeapSize=" + max);
    }

    @Test
    void exactIndex() throws Exception {
        try (VectorIndex index = new FaissVectorIndex(16)) {
            cycle(index, "FaissVectorIndex");
        }
    }

    @Test
    void hnswFactoryIndex() throws Exception {
        try (VectorIndex index = new FactoryVectorIndex(16, "HNSW16", FactoryVectorIndex.Metric.INNER_PRODUCT, 1)) {
            cycle(index, "FactoryVectorIndex HNSW16");
        }
    }

    private static void cycle(VectorIndex index, String name) throws Exception {
        SplittableRandom random = new SplittableRandom(9);
        float[] vector = new float[16];
        long rssAfterWarmUp = 0;
        for (int i = 0; i < CYCLES; i++) {
            for (int d = 0; d < 16; d++) {
                vector[d] = (float) random.nextGaussian();
            }
            long id = i % 500; // a small live set: each id is replaced over and over
            index.upsert(new long[] {id}, vector);
            if (i % 3 == 0) {
                index.remove(new long[] {(id + 250) % 500});
            }
            if (i % 10_000 == 0) {
                index.search(vector, 5);
            }
            if (i == WARM_UP) {
                rssAfterWarmUp = nativeBytes();
            }
        }
        long growth = nativeBytes() - rssAfterWarmUp;
        System.out.printf("%s: %,d cycles, native memory growth after warm-up %+.1f MB%n", name, CYCLES, growth / 1e6);
        assertTrue(index.size() <= 500);
        assertTrue(growth < BOUND_BYTES, name + ": RSS grew by " + growth + " bytes");
        assertEquals(16, index.dimension());
    }

    /** Resident memory; with the whole heap resident from the start, its growth is native memory. */
    private static long nativeBytes() throws Exception {
        System.gc();
        return residentBytes();
    }

    private static long residentBytes() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
