package io.dinostream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dinostream.index.eval.IndexEvaluation;
import io.dinostream.index.eval.VectorFiles;
import io.dinostream.index.faiss.FactoryVectorIndex;
import io.dinostream.index.vector.SearchParams;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * FAISS through our JavaCPP binding against python3-faiss (the same Debian FAISS build) on the same
 * vector files, index, parameters and threads, in the same run: build time, QPS for one batch of all
 * queries and for single queries, recall@k against exact ground truth. Plus the exact index's scan speed
 * against a memory copy of the same bytes.
 */
public final class IndexBenchmark {
    /** What to measure. */
    public record Options(int base, int dimension, int queries, int k, List<Case> cases, int threads, Path workDir) {}

    /** One index: factory string and search parameters ({@code nprobe=16}, {@code efSearch=128}). */
    public record Case(String factory, String param) {}

    /** One index's figures on both sides. */
    public record Row(Case index, Side java, Side python) {}

    /** Figures of one side. */
    public record Side(double buildSeconds, double batchQps, double singleQps, double recall) {}

    /** Everything measured. */
    public record Result(List<Row> rows, double flatScanBytesPerSecond, double memoryCopyBytesPerSecond) {}

    private IndexBenchmark() {}

    public static Result run(Options options, Consumer<String> log) throws Exception {
        Files.createDirectories(options.workDir());
        Random random = new Random(42);
        float[] centres = gaussian(random, 1_000 * options.dimension());
        VectorFiles.Floats base = clustered(random, centres, options.base(), options.dimension());
        VectorFiles.Floats queries = clustered(random, centres, options.queries(), options.dimension());
        Path baseFile = options.workDir().resolve("base.fvecs");
        Path queryFile = options.workDir().resolve("query.fvecs");
        Path gtFile = options.workDir().resolve("gt.ivecs");
        VectorFiles.writeFvecs(baseFile, base);
        VectorFiles.writeFvecs(queryFile, queries);
        log.accept(String.format(
                "data: %,d x %d base, %,d queries (seed 42)", base.count(), base.dimension(), queries.count()));

        IndexEvaluation.Result exact = IndexEvaluation.run(
                base, queries, "Flat", FactoryVectorIndex.Metric.INNER_PRODUCT, options.k(), SearchParams.DEFAULTS);
        VectorFiles.writeIvecs(gtFile, exact.ids());
        double scanned = (double) base.count() * base.dimension() * 4 * exact.batchQps();
        double copy = memoryCopyBytesPerSecond((long) base.count() * base.dimension() * 4);
        log.accept(String.format("exact scan %.2f GB/s, memory copy %.2f GB/s", scanned / 1e9, copy / 1e9));

        List<Row> rows = new ArrayList<>();
        Path script = extractScript(options.workDir());
        for (Case c : options.cases()) {
            IndexEvaluation.Result java = IndexEvaluation.run(
                    base,
                    queries,
                    c.factory(),
                    FactoryVectorIndex.Metric.INNER_PRODUCT,
                    options.k(),
                    SearchParams.parse(c.param()));
            Side javaSide = new Side(
                    java.buildSeconds(),
                    java.batchQps(),
                    java.singleQps(),
                    IndexEvaluation.recall(java.ids(), exact.ids(), options.k()));
            Side pythonSide = python(script, baseFile, queryFile, gtFile, c, options);
            rows.add(new Row(c, javaSide, pythonSide));
            log.accept(String.format("%s: Java %s; Python %s", c.factory(), javaSide, pythonSide));
        }
        return new Result(rows, scanned, copy);
    }

    private static Side python(Path script, Path base, Path query, Path gt, Case c, Options options)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(
                        "/usr/bin/python3",
                        script.toString(),
                        base.toString(),
                        query.toString(),
                        gt.toString(),
                        c.factory(),
                        "ip",
                        Integer.toString(options.k()),
                        c.param(),
                        Integer.toString(options.threads()))
                .redirectErrorStream(true);
        // The Java side runs OpenBLAS single-threaded unless the variable says otherwise (FaissNative):
        // give Python the same setting.
        builder.environment().putIfAbsent("OPENBLAS_NUM_THREADS", "1");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = process.waitFor();
        if (code != 0) {
            throw new IOException("python3-faiss reference failed (exit " + code + "): " + output);
        }
        String last = output.strip().lines().reduce((a, b) -> b).orElse("");
        JsonNode json = new ObjectMapper().readTree(last);
        return new Side(
                json.get("build").asDouble(),
                json.get("batch_qps").asDouble(),
                json.get("single_qps").asDouble(),
                json.get("recall").asDouble());
    }

    private static Path extractScript(Path dir) throws IOException {
        Path script = dir.resolve("faiss_reference.py");
        try (InputStream in = IndexBenchmark.class.getResourceAsStream("faiss_reference.py")) {
            if (in == null) {
                throw new IllegalStateException("faiss_reference.py is missing from the bench jar");
            }
            Files.write(script, in.readAllBytes());
        }
        return script;
    }

    /** Bytes per second of copying a buffer of {@code bytes} bytes (best of five). */
    static double memoryCopyBytesPerSecond(long bytes) {
        int n = (int) Math.min(bytes / 4, Integer.MAX_VALUE - 8);
        float[] source = new float[n];
        float[] target = new float[n];
        double best = 0;
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            System.arraycopy(source, 0, target, 0, n);
            double seconds = (System.nanoTime() - start) / 1e9;
            best = Math.max(best, 4.0 * n / seconds);
        }
        return best;
    }

    private static float[] gaussian(Random random, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }

    private static VectorFiles.Floats clustered(Random random, float[] centres, int n, int d) {
        int clusters = centres.length / d;
        float[] out = new float[n * d];
        for (int i = 0; i < n; i++) {
            int c = random.nextInt(clusters);
            double norm = 0;
            for (int j = 0; j < d; j++) {
                float v = centres[c * d + j] + 0.5f * (float) random.nextGaussian();
                out[i * d + j] = v;
                norm += v * v;
            }
            for (int j = 0; j < d; j++) {
                out[i * d + j] /= (float) Math.sqrt(norm);
            }
        }
        return new VectorFiles.Floats(n, d, out);
    }

    /** The result as a Markdown table of Java / Python ratios. */
    public static String markdown(Options options, Result r) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                "%,d x %d base vectors, %,d queries, k = %d, inner product, %d threads; Java = dinostream's JavaCPP"
                        + " binding, Python = python3-faiss, same FAISS build, same files.%n%n",
                options.base(), options.dimension(), options.queries(), options.k(), options.threads()));
        out.append("| index | params | build s (Java / Python) | batch QPS (Java / Python, ratio) |"
                + " single QPS (Java / Python, ratio) | recall@k (Java / Python) |\n");
        out.append("|---|---|---:|---:|---:|---:|\n");
        for (Row row : r.rows()) {
            out.append(String.format(
                    "| %s | %s | %.2f / %.2f | %.0f / %.0f, %.2f | %.0f / %.0f, %.2f | %.4f / %.4f |%n",
                    row.index().factory(),
                    row.index().param().isEmpty() ? "-" : row.index().param(),
                    row.java().buildSeconds(),
                    row.python().buildSeconds(),
                    row.java().batchQps(),
                    row.python().batchQps(),
                    row.java().batchQps() / row.python().batchQps(),
                    row.java().singleQps(),
                    row.python().singleQps(),
                    row.java().singleQps() / row.python().singleQps(),
                    row.java().recall(),
                    row.python().recall()));
        }
        out.append(String.format(
                "%nExact search scans %.2f GB/s of vectors; a memory copy of the same size runs at %.2f GB/s: %.2f.%n",
                r.flatScanBytesPerSecond() / 1e9,
                r.memoryCopyBytesPerSecond() / 1e9,
                r.flatScanBytesPerSecond() / r.memoryCopyBytesPerSecond()));
        return out.toString();
    }
}
