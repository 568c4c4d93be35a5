package io.dinostream.index.faiss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.index.NeighbourAssertions;
import io.dinostream.index.TestVectors;
import io.dinostream.index.vector.Neighbors;
import io.dinostream.index.vector.SearchParams;
import io.dinostream.index.vector.VectorIndex;
import io.dinostream.index.vector.VectorIndexConformanceTest;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Searches on a GPU copy of the FAISS index, checked against the same searches on the CPU. Runs only
 * where {@link GpuSupport} finds the GPU build of the binding and a CUDA device (never in CI, which has
 * neither; docs/index.md, "GPU", says how to run it).
 *
 * <p>Data: 200 Gaussian clusters in 32 dimensions, L2-normalised, seed 11; 50,000 base vectors and 300
 * queries. Tolerances: the GPU computes the same float32 inner products in another order, so scores agree
 * within 1e-4 and neighbour sets may differ only where scores tie within that.
 */
@EnabledIf("gpuPresent")
@TestMethodOrder(MethodOrderer.MethodName.class)
class GpuSearchTest {
    private static final int DIM = 32;
    private static final int BASE = 50_000;
    private static final int QUERIES = 300;
    private static final int K = 10;
    private static final FactoryVectorIndex.Metric IP = FactoryVectorIndex.Metric.INNER_PRODUCT;

    private static long[] ids;
    private static float[] base;
    private static float[] queries;
    private static List<Neighbors> exact;

    static boolean gpuPresent() {
        GpuSupport.Status status = GpuSupport.status();
        System.out.println("GPU: " + status.reason());
        return status.available();
    }

    /** The whole VectorIndex contract, on an exact index whose searches run on the GPU. */
    @Nested
    class FlatOnGpuConformance extends VectorIndexConformanceTest {
        @Override
        protected VectorIndex create(int dimension) {
            return VectorIndexes.create(dimension, "Flat", IP, Integer.MAX_VALUE, IndexDevice.GPU);
        }
    }

    @BeforeAll
    static void data() {
        Random random = new Random(11);
        float[] centres = new float[200 * DIM];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = (float) random.nextGaussian();
        }
        base = clustered(random, centres, BASE);
        queries = clustered(random, centres, QUERIES);
        ids = new long[BASE];
        for (int i = 0; i < BASE; i++) {
            ids[i] = 5_000_000_000L + 3L * i;
        }
        try (VectorIndex cpu = VectorIndexes.create(DIM, "Flat", IP, 1, IndexDevice.CPU)) {
            cpu.upsert(ids, base);
            exact = cpu.search(queries, K);
        }
    }

    @Test
    void exactSearchOnTheGpuMatchesTheCpu() {
        try (FactoryVectorIndex gpu = onGpu("Flat", 1)) {
            gpu.upsert(ids, base);
            List<Neighbors> found = gpu.search(queries, K);
            assertTrue(gpu.searchesOnGpu(), "the search ran on the GPU copy");
            NeighbourAssertions.assertSameUpToTies(exact, found, 1e-4f);
        }
    }

    @Test
    void ivfOnTheGpuFindsWhatTheCpuIvfFinds() {
        for (String description : new String[] {"IVF256,Flat", "IVF256,SQ8", "IVF256,PQ16"}) {
            // One index: searched on the CPU, then moved to the GPU and searched there.
            FactoryVectorIndex cpu = new FactoryVectorIndex(DIM, description, IP, BASE);
            cpu.upsert(ids, base);
            assertTrue(cpu.trained());
            SearchParams nprobe16 = SearchParams.nprobe(16);
            double cpuRecall = recall(cpu.search(queries, K, nprobe16));
            try (VectorIndex gpu = VectorIndexes.onDevice(cpu, IndexDevice.GPU)) {
                double gpuRecall = recall(gpu.search(queries, K, nprobe16));
                double narrow = recall(gpu.search(queries, K, SearchParams.nprobe(1)));
                assertTrue(VectorIndexes.searchesOnGpu(gpu), description + " ran on the GPU copy");
                System.out.printf(
                        "%s recall@10 at nprobe 16: CPU %.4f, GPU %.4f (GPU at nprobe 1: %.4f)%n",
                        description, cpuRecall, gpuRecall, narrow);
                // The same trained index and codes: recalls agree within 0.01 (float order differs).
                assertEquals(cpuRecall, gpuRecall, 0.01, description);
                assertTrue(narrow < gpuRecall, description + ": nprobe must reach the GPU index");
                if (description.endsWith("Flat") || description.endsWith("SQ8")) {
                    assertTrue(gpuRecall >= 0.90, description + " recall " + gpuRecall);
                }
            }
        }
    }

    /**
     * OPQ puts a pre-transform in front of the IVF index; nprobe must reach through it on the GPU too.
     * One index, searched on the CPU and then moved to the GPU, trained on 5,000 vectors: OPQ's training
     * is slow (32 s for this one, 157 s for OPQ16 on 50,000, on 2 cores).
     */
    @Test
    void opqInFrontOfTheGpuIndex() {
        int n = 5000;
        long[] few = Arrays.copyOf(ids, n);
        float[] rows = Arrays.copyOf(base, n * DIM);
        // Held-out queries: a stored vector's neighbours mostly share its cell, so nprobe would barely matter.
        float[] probes = queries;
        FactoryVectorIndex cpu = new FactoryVectorIndex(DIM, "OPQ8,IVF32,PQ8", IP, n);
        cpu.upsert(few, rows);
        List<Neighbors> cpuWide = cpu.search(probes, K, SearchParams.nprobe(8));
        List<Neighbors> cpuNarrow = cpu.search(probes, K, SearchParams.nprobe(1));
        try (VectorIndex gpu = VectorIndexes.onDevice(cpu, IndexDevice.GPU)) {
            assertSame(cpu, gpu, "a factory index keeps its identity and gets a GPU replica");
            List<Neighbors> gpuWide = gpu.search(probes, K, SearchParams.nprobe(8));
            List<Neighbors> gpuNarrow = gpu.search(probes, K, SearchParams.nprobe(1));
            assertTrue(VectorIndexes.searchesOnGpu(gpu), "OPQ + IVF-PQ ran on the GPU copy");
            double wide = overlap(cpuWide, gpuWide);
            double narrow = overlap(cpuNarrow, gpuNarrow);
            double probesMatter = overlap(cpuWide, cpuNarrow);
            System.out.printf(
                    "OPQ8,IVF32,PQ8 top-10 overlap GPU vs CPU: nprobe 8 %.3f, nprobe 1 %.3f;"
                            + " CPU nprobe 1 vs 8 %.3f%n",
                    wide, narrow, probesMatter);
            // Self-recall is no test of nprobe here: PQ's coarse codes let a wider probe find a closer
            // impostor. What must hold is that the GPU copy answers like the CPU index at each nprobe,
            // where nprobe changes the CPU's answer.
            assertTrue(probesMatter < 0.97, "nprobe must change this index's answers: " + probesMatter);
            assertTrue(wide >= 0.99, "GPU and CPU agree at nprobe 8: " + wide);
            assertTrue(narrow >= 0.99, "GPU and CPU agree at nprobe 1 (nprobe reaches through OPQ): " + narrow);
        }
    }

    /** Mean share of ids two answers have in common, per query. */
    private static double overlap(List<Neighbors> a, List<Neighbors> b) {
        double sum = 0;
        for (int q = 0; q < a.size(); q++) {
            Set<Long> first = new HashSet<>();
            for (long id : a.get(q).ids()) {
                first.add(id);
            }
            int common = 0;
            for (long id : b.get(q).ids()) {
                common += first.contains(id) ? 1 : 0;
            }
            sum += common / (double) Math.max(1, a.get(q).size());
        }
        return sum / a.size();
    }

    @Test
    void writesAfterTheFirstSearchReachTheGpuCopy() {
        try (FactoryVectorIndex gpu = onGpu("Flat", 1)) {
            gpu.upsert(Arrays.copyOf(ids, 1000), Arrays.copyOf(base, 1000 * DIM));
            assertEquals(ids[0], gpu.search(row(base, 0), 1).get(0).ids()[0]);
            assertTrue(gpu.searchesOnGpu());
            // New ids: added to the copy, not copied again.
            gpu.upsert(Arrays.copyOfRange(ids, 1000, 2000), Arrays.copyOfRange(base, 1000 * DIM, 2000 * DIM));
            assertEquals(ids[1500], gpu.search(row(base, 1500), 1).get(0).ids()[0]);
            // Removal: the id is gone from the results, the copy untouched.
            gpu.remove(new long[] {ids[1500]});
            for (long id : gpu.search(row(base, 1500), 20).get(0).ids()) {
                assertTrue(id != ids[1500], "a removed id must not come back");
            }
            // Replacement: the id answers with its new vector only.
            gpu.upsert(new long[] {ids[7]}, row(base, 1700));
            Neighbors moved = gpu.search(row(base, 1700), 2).get(0);
            Set<Long> top = Set.of(moved.ids()[0], moved.ids()[1]);
            assertEquals(Set.of(ids[7], ids[1700]), top);
            assertEquals(1999, gpu.size());
        }
    }

    @Test
    void trainingReplacesTheGpuCopy() {
        try (FactoryVectorIndex gpu = onGpu("IVF64,Flat", 20_000)) {
            gpu.upsert(Arrays.copyOf(ids, 10_000), Arrays.copyOf(base, 10_000 * DIM));
            assertFalse(gpu.trained());
            gpu.search(queries, K); // the exact stand-in goes to the GPU
            gpu.upsert(Arrays.copyOf(ids, BASE), base); // trains, a new index
            assertTrue(gpu.trained());
            double recall = recall(gpu.search(queries, K, SearchParams.nprobe(16)));
            assertTrue(gpu.searchesOnGpu());
            assertTrue(recall >= 0.90, "the trained index, not the stand-in, must be searched: " + recall);
        }
    }

    @Test
    void hnswAndLargeKSearchOnTheCpu() {
        try (FactoryVectorIndex hnsw = onGpu("HNSW16", 1);
                FactoryVectorIndex cpuHnsw = new FactoryVectorIndex(DIM, "HNSW16", IP, 1)) {
            hnsw.upsert(Arrays.copyOf(ids, 5000), Arrays.copyOf(base, 5000 * DIM));
            cpuHnsw.upsert(Arrays.copyOf(ids, 5000), Arrays.copyOf(base, 5000 * DIM));
            List<Neighbors> found = hnsw.search(queries, K, SearchParams.efSearch(64));
            assertFalse(hnsw.searchesOnGpu(), "FAISS has no GPU HNSW");
            NeighbourAssertions.assertSameUpToTies(cpuHnsw.search(queries, K, SearchParams.efSearch(64)), found, 0f);
        }
        try (FactoryVectorIndex flat = onGpu("Flat", 1);
                VectorIndex cpu = VectorIndexes.create(DIM, "Flat", IP, 1, IndexDevice.CPU)) {
            flat.upsert(Arrays.copyOf(ids, 5000), Arrays.copyOf(base, 5000 * DIM));
            cpu.upsert(Arrays.copyOf(ids, 5000), Arrays.copyOf(base, 5000 * DIM));
            float[] two = Arrays.copyOf(queries, 2 * DIM);
            // k of 2048 or more (the GPU takes k below 2048): the CPU answers, with the exact result.
            for (int k : new int[] {2048, 3000}) {
                NeighbourAssertions.assertSameUpToTies(cpu.search(two, k), flat.search(two, k), 1e-4f);
            }
        }
    }

    @Test
    void aRestoredExactIndexMovesToTheGpu() {
        VectorIndex flat = VectorIndexes.create(DIM, "Flat", IP, 1, IndexDevice.CPU);
        assertTrue(flat instanceof FaissVectorIndex);
        flat.upsert(ids, base);
        try (VectorIndex gpu = VectorIndexes.onDevice(flat, IndexDevice.GPU)) {
            assertEquals(BASE, gpu.size());
            NeighbourAssertions.assertSameUpToTies(exact, gpu.search(queries, K), 1e-4f);
            assertTrue(((FactoryVectorIndex) gpu).searchesOnGpu());
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static FactoryVectorIndex onGpu(String description, int trainSize) {
        return (FactoryVectorIndex) VectorIndexes.create(DIM, description, IP, trainSize, IndexDevice.GPU);
    }

    private static float[] row(float[] rows, int i) {
        return Arrays.copyOfRange(rows, i * DIM, (i + 1) * DIM);
    }

    private static double recall(List<Neighbors> approximate) {
        int hits = 0;
        for (int q = 0; q < QUERIES; q++) {
            Set<Long> truth = new HashSet<>();
            for (long id : exact.get(q).ids()) {
                truth.add(id);
            }
            for (long id : approximate.get(q).ids()) {
                hits += truth.contains(id) ? 1 : 0;
            }
        }
        return hits / (double) (QUERIES * K);
    }

    private static float[] clustered(Random random, float[] centres, int n) {
        return TestVectors.clustered(random, centres, n, DIM, 0.35f);
    }
}
