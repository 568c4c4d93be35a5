package io.dinostream.bench;

import io.dinostream.index.faiss.FactoryVectorIndex;
import io.dinostream.index.faiss.FaissNative;
import io.dinostream.index.faiss.GpuSupport;
import io.dinostream.index.faiss.IndexDevice;
import io.dinostream.index.faiss.VectorIndexes;
import io.dinostream.index.vector.Neighbors;
import io.dinostream.index.vector.SearchParams;
import io.dinostream.index.vector.VectorIndex;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Search on the GPU against the CPU, on the very same index in the same run: each index is built on the
 * CPU, searched there, then moved to the GPU ({@link VectorIndexes#onDevice}) and searched again. Reports
 * batch QPS on both, the GPU's speed-up, the one-off copy time, and recall@k of both against exact search
 * on the CPU. Data: {@link SyntheticVectors}, 100 clusters, seed 7.
 *
 * <p>Run: {@code java -cp ... io.dinostream.bench.GpuIndexBenchmark [base] [dim] [queries] [factory...]}.
 * Needs the GPU build of the binding (docs/index.md, "GPU").
 */
public final class GpuIndexBenchmark {
    private static final int K = 10;
    private static final double MIN_SECONDS = 2.0;

    private GpuIndexBenchmark() {}

    /** One index's figures. */
    public record Row(
            String factory,
            String params,
            double cpuQps,
            double gpuQps,
            double copySeconds,
            double cpuRecall,
            double gpuRecall,
            boolean ranOnGpu) {}

    public static void main(String[] args) throws Exception {
        int base = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 384;
        int queries = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        List<String> cases = args.length > 3 ? List.of(args).subList(3, args.length) : DEFAULT_CASES;
        System.out.println(markdown(base, dim, queries, run(base, dim, queries, cases, System.out::println)));
    }

    /** The cases measured when none are named. */
    public static final List<String> DEFAULT_CASES = List.of("Flat", "IVF1024,Flat/nprobe=16");

    /**
     * Measures each case ({@code factory[/params]}, e.g. {@code IVF1024,Flat/nprobe=16}).
     *
     * @throws IllegalStateException if no GPU is usable (with the reason)
     */
    public static List<Row> run(int base, int dim, int queries, List<String> factories, Consumer<String> log)
            throws Exception {
        FaissNative.load();
        GpuSupport.Status gpu = GpuSupport.status();
        log.accept(String.format("GPU: %s; CPU: %d FAISS threads", gpu.reason(), FaissNative.threads()));
        if (!gpu.available()) {
            throw new IllegalStateException("bench gpu-index needs a GPU: " + gpu.reason());
        }
        SyntheticVectors synthetic = new SyntheticVectors(dim, 100, 7);
        float[] vectors = rows(synthetic, base, dim);
        float[] probes = rows(synthetic, queries, dim);
        long[] ids = new long[base];
        for (int i = 0; i < base; i++) {
            ids[i] = i;
        }
        List<Neighbors> exact;
        try (VectorIndex flat = new FactoryVectorIndex(dim, "Flat", FactoryVectorIndex.Metric.INNER_PRODUCT, 1)) {
            flat.upsert(ids, vectors);
            exact = flat.search(probes, K);
        }
        List<Row> rows = new ArrayList<>();
        for (String spec : factories) {
            String factory = spec.contains("/") ? spec.substring(0, spec.indexOf('/')) : spec;
            SearchParams params = spec.contains("/")
                    ? SearchParams.parse(spec.substring(spec.indexOf('/') + 1))
                    : SearchParams.DEFAULTS;
            long t0 = System.nanoTime();
            VectorIndex index = new FactoryVectorIndex(
                    dim, factory, FactoryVectorIndex.Metric.INNER_PRODUCT, Math.min(base, 200_000));
            index.upsert(ids, vectors);
            log.accept(String.format("%s built on the CPU in %.1f s", factory, (System.nanoTime() - t0) / 1e9));
            double cpuRecall = recall(exact, index.search(probes, K, params));
            double cpuQps =
                    queries * RepeatedTiming.runsPerSecond(2, MIN_SECONDS, () -> index.search(probes, K, params));
            VectorIndex onGpu = VectorIndexes.onDevice(index, IndexDevice.GPU);
            try {
                long c0 = System.nanoTime();
                onGpu.search(probes, 1, params); // the first search makes the GPU copy
                double copySeconds = (System.nanoTime() - c0) / 1e9;
                double gpuRecall = recall(exact, onGpu.search(probes, K, params));
                double gpuQps =
                        queries * RepeatedTiming.runsPerSecond(2, MIN_SECONDS, () -> onGpu.search(probes, K, params));
                Row row = new Row(
                        factory,
                        spec.contains("/") ? spec.substring(spec.indexOf('/') + 1) : "",
                        cpuQps,
                        gpuQps,
                        copySeconds,
                        cpuRecall,
                        gpuRecall,
                        VectorIndexes.searchesOnGpu(onGpu));
                log.accept(row.toString());
                rows.add(row);
            } finally {
                onGpu.close();
            }
        }
        return rows;
    }

    private static float[] rows(SyntheticVectors synthetic, int n, int dim) {
        float[] out = new float[Math.multiplyExact(n, dim)];
        for (int i = 0; i < n; i++) {
            System.arraycopy(synthetic.next(), 0, out, i * dim, dim);
        }
        return out;
    }

    private static double recall(List<Neighbors> exact, List<Neighbors> found) {
        long hits = 0;
        long total = 0;
        for (int q = 0; q < exact.size(); q++) {
            Set<Long> truth = new HashSet<>();
            for (long id : exact.get(q).ids()) {
                truth.add(id);
            }
            for (long id : found.get(q).ids()) {
                hits += truth.contains(id) ? 1 : 0;
            }
            total += exact.get(q).size();
        }
        return hits / (double) total;
    }

    public static String markdown(int base, int dim, int queries, List<Row> rows) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "%n%,d x %d, batches of %d queries, k=%d; the same index on both sides%n%n",
                base,
                dim,
                queries,
                K));
        out.append(
                "| index | params | CPU QPS | GPU QPS | GPU / CPU | copy to GPU (s) | recall CPU | recall GPU | on GPU |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (Row r : rows) {
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %.0f | %.0f | %.1f | %.2f | %.4f | %.4f | %s |%n",
                    r.factory(),
                    r.params(),
                    r.cpuQps(),
                    r.gpuQps(),
                    r.gpuQps() / r.cpuQps(),
                    r.copySeconds(),
                    r.cpuRecall(),
                    r.gpuRecall(),
                    r.ranOnGpu() ? "yes" : "no (CPU fallback)"));
        }
        return out.toString();
    }
}
