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
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToDoubleBiFunction;
import java.util.function.ToDoubleFunction;

/**
 * FAISS through our JavaCPP binding against python3-faiss (the same Debian FAISS build) on the same
 * vector files, index, parameters and threads, in the same run: build time, QPS for batches and for
 * single queries, recall@k against exact ground truth. Each case runs {@code repeats} times, Java and
 * Python alternating, so that drift of the machine hits both sides; the report gives medians and the
 * spread of the per-repeat ratios. Plus the exact index's scan speed against a memory copy of the same
 * bytes.
 *
 * <p>Search speed is also compared in turns, seconds apart. Python builds first and writes its index;
 * then Java builds and writes its index twice, as a FAISS file and as its own snapshot. Each of
 * {@code rounds} rounds then times Java on its snapshot restored, Python on Java's FAISS file (one index)
 * and Python on its own file (own builds), the first side alternating from round to round. Every side
 * reads its index into fresh memory every round: one long-lived allocation on one side kept that side in
 * the machine's slow state for a whole run (docs/performance.md, sessions 18 and 19). Each side's own
 * build is a different index where construction is parallel or trained (HNSW graphs, k-means codebooks),
 * and the difference between two builds moves the QPS by more than the binding does; on one index only
 * the binding differs. Timed in turns, both comparisons see the same state of the machine, whose speed can
 * jump by a third from one minute to the next (docs/performance.md, session 18); the rates timed right
 * after each build are minutes apart.
 */
public final class IndexBenchmark {
    /** What to measure. */
    public record Options(
            int base,
            int dimension,
            int queries,
            int k,
            List<Case> cases,
            int threads,
            int repeats,
            int rounds,
            IndexEvaluation.Timing timing,
            Path workDir) {
        public Options {
            if (repeats < 1 || rounds < 1) {
                throw new IllegalArgumentException("repeats and rounds must be at least 1");
            }
        }
    }

    /** One index: factory string and search parameters ({@code nprobe=16}, {@code efSearch=128}). */
    public record Case(String factory, String param) {
        /**
         * Cases from {@code "Flat;HNSW32/efSearch=128;IVF1024,PQ16/nprobe=16"}: cases separated by
         * {@code ;}, a factory string and its optional parameters by {@code /}.
         */
        public static List<Case> parseList(String spec) {
            List<Case> cases = new ArrayList<>();
            for (String one : spec.split(";")) {
                if (one.isBlank()) {
                    continue;
                }
                String[] parts = one.strip().split("/", -1);
                if (parts.length > 2 || parts[0].isBlank()) {
                    throw new IllegalArgumentException(
                            "an index case is FACTORY or FACTORY/PARAMS, e.g. HNSW32/efSearch=128, got '" + one + "'");
                }
                String param = parts.length == 2 ? parts[1].strip() : "";
                SearchParams.parse(param); // fail here, not after an hour of building
                cases.add(new Case(parts[0].strip(), param));
            }
            if (cases.isEmpty()) {
                throw new IllegalArgumentException("no index cases in '" + spec + "'");
            }
            return cases;
        }
    }

    /**
     * One index's figures: one {@link Side} per repeat for Java and Python on their own builds, and every
     * {@link Round} on the index Java built.
     */
    public record Row(Case index, List<Side> java, List<Side> python, List<Round> oneIndex) {}

    /**
     * Java and Python timed in turns (build times NaN: nothing was built), in repeat {@code repeat} (from 1),
     * round {@code round} (from 1); {@code javaFirst} says who went first. {@code java}: Java on its own
     * build, restored from its snapshot; {@code python}: Python on the index Java built; {@code pythonOwn}:
     * Python on its own build.
     */
    public record Round(int repeat, int round, boolean javaFirst, Side java, Side python, Side pythonOwn) {}

    /** Figures of one side in one repeat. */
    public record Side(double buildSeconds, double batchQps, double singleQps, double recall) {}

    /**
     * Everything measured. The scan rates are the exact (Flat) index's bytes of base vectors per second:
     * one query at a time (its scan split in ranges over the FAISS threads, {@code SplitFlatScan}; FAISS
     * itself gives one query one thread) and in batches (BLAS, which reuses each
     * block across the batch).
     */
    public record Result(
            List<Row> rows,
            double flatSingleScanBytesPerSecond,
            double flatBatchScanBytesPerSecond,
            double memoryCopyBytesPerSecond) {}

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
                base,
                queries,
                "Flat",
                FactoryVectorIndex.Metric.INNER_PRODUCT,
                options.k(),
                SearchParams.DEFAULTS,
                options.timing(),
                null);
        VectorFiles.writeIvecs(gtFile, exact.ids());
        double bytes = (double) base.count() * base.dimension() * 4;
        double copy = memoryCopyBytesPerSecond((long) bytes);
        log.accept(String.format(
                "exact scan %.2f GB/s single, %.2f GB/s batched; memory copy %.2f GB/s",
                bytes * exact.singleQps() / 1e9, bytes * exact.batchQps() / 1e9, copy / 1e9));

        Path script = extractScript(options.workDir());
        List<Row> rows = new ArrayList<>();
        for (Case index : options.cases()) {
            rows.add(new Row(index, new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
        }
        // Repeat-major order: every case once, then every case again, so a slow phase of the machine
        // spreads over cases and sides instead of hitting one case's repeats.
        Path javaIndex = options.workDir().resolve("java.faissindex");
        Path javaSnapshot = options.workDir().resolve("java.snapshot");
        Path pythonIndex = options.workDir().resolve("python.faissindex");
        for (int r = 0; r < options.repeats(); r++) {
            for (Row row : rows) {
                int repeat = r + 1;
                Side python = python(script, baseFile, queryFile, gtFile, row.index(), options, pythonIndex);
                Side java = java(base, queries, exact, row.index(), options, javaIndex, javaSnapshot);
                for (int round = 1; round <= options.rounds(); round++) {
                    Round done = inTurns(
                            repeat,
                            round,
                            row.index(),
                            javaSnapshot,
                            javaIndex,
                            pythonIndex,
                            script,
                            queries,
                            queryFile,
                            gtFile,
                            exact,
                            options);
                    row.oneIndex().add(done);
                    log.accept(String.format(
                            "repeat %d round %d %s in turns: Java %s; Python on Java's index %s; Python on its own %s",
                            repeat, round, row.index().factory(), done.java(), done.python(), done.pythonOwn()));
                }
                Files.deleteIfExists(javaIndex);
                Files.deleteIfExists(javaSnapshot);
                Files.deleteIfExists(pythonIndex);
                row.java().add(java);
                row.python().add(python);
                log.accept(String.format(
                        "repeat %d/%d %s: Java %s; Python %s",
                        repeat, options.repeats(), row.index().factory(), java, python));
            }
        }
        return new Result(rows, bytes * exact.singleQps(), bytes * exact.batchQps(), copy);
    }

    private static Side java(
            VectorFiles.Floats base,
            VectorFiles.Floats queries,
            IndexEvaluation.Result exact,
            Case c,
            Options options,
            Path indexFile,
            Path snapshotFile) {
        IndexEvaluation.Result java = IndexEvaluation.run(
                base,
                queries,
                c.factory(),
                FactoryVectorIndex.Metric.INNER_PRODUCT,
                options.k(),
                SearchParams.parse(c.param()),
                options.timing(),
                indexFile,
                snapshotFile);
        return new Side(
                java.buildSeconds(),
                java.batchQps(),
                java.singleQps(),
                IndexEvaluation.recall(java.ids(), exact.ids(), options.k()));
    }

    /**
     * One round in turns, seconds apart: Java restores its snapshot and times it; Python times Java's FAISS
     * file and its own. Every side reads its index into fresh memory, every round. The first side alternates
     * from round to round and from repeat to repeat.
     */
    private static Round inTurns(
            int repeat,
            int round,
            Case c,
            Path javaSnapshot,
            Path javaIndex,
            Path pythonIndex,
            Path script,
            VectorFiles.Floats queries,
            Path queryFile,
            Path gtFile,
            IndexEvaluation.Result exact,
            Options options) {
        boolean javaFirst = (repeat + round) % 2 == 0;
        Side java = javaFirst ? javaRestored(javaSnapshot, queries, exact, c, options) : null;
        Side onJava = pythonOnIndex(script, javaIndex, queryFile, gtFile, c, options);
        Side pythonOwn = pythonOnIndex(script, pythonIndex, queryFile, gtFile, c, options);
        if (!javaFirst) {
            java = javaRestored(javaSnapshot, queries, exact, c, options);
        }
        return new Round(repeat, round, javaFirst, java, onJava, pythonOwn);
    }

    private static Side javaRestored(
            Path snapshot, VectorFiles.Floats queries, IndexEvaluation.Result exact, Case c, Options options) {
        IndexEvaluation.Rates rates = IndexEvaluation.timeRestored(
                snapshot, queries, options.k(), SearchParams.parse(c.param()), options.timing());
        return javaSide(rates, exact, options);
    }

    private static Side javaSide(IndexEvaluation.Rates rates, IndexEvaluation.Result exact, Options options) {
        return new Side(
                Double.NaN,
                rates.batchQps(),
                rates.singleQps(),
                IndexEvaluation.recall(rates.ids(), exact.ids(), options.k()));
    }

    /** Python's rates on a FAISS index file (Java's, or Python's own build), by the same timing rules. */
    private static Side pythonOnIndex(Path script, Path indexFile, Path query, Path gt, Case c, Options options) {
        try {
            JsonNode json = runPython(
                    script.toString(),
                    "--search",
                    indexFile.toString(),
                    query.toString(),
                    gt.toString(),
                    Integer.toString(options.k()),
                    c.param(),
                    Integer.toString(options.threads()),
                    Double.toString(options.timing().minSeconds()),
                    Integer.toString(options.timing().batchSize()));
            return side(json, Double.NaN);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while python3-faiss was searching", e);
        }
    }

    /** Python's figures on its own build, which it then writes to {@code indexFile}. */
    private static Side python(Path script, Path base, Path query, Path gt, Case c, Options options, Path indexFile)
            throws IOException, InterruptedException {
        JsonNode json = runPython(
                script.toString(),
                base.toString(),
                query.toString(),
                gt.toString(),
                c.factory(),
                "ip",
                Integer.toString(options.k()),
                c.param(),
                Integer.toString(options.threads()),
                Double.toString(options.timing().minSeconds()),
                Integer.toString(options.timing().batchSize()),
                indexFile.toString());
        return side(json, json.get("build").asDouble());
    }

    /** The rates and recall the script printed, with the build time given. */
    private static Side side(JsonNode json, double buildSeconds) {
        return new Side(
                buildSeconds,
                json.get("batch_qps").asDouble(),
                json.get("single_qps").asDouble(),
                json.get("recall").asDouble());
    }

    /** Runs the reference script with {@code args}; its last output line is the JSON answer. */
    private static JsonNode runPython(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("/usr/bin/python3");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
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
        return new ObjectMapper().readTree(last);
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

    /** The result as Markdown: medians with the spread of the per-repeat ratios, then every repeat. */
    public static String markdown(Options options, Result r) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                "%,d x %d base vectors, %,d queries, k = %d, inner product, %d FAISS threads, OpenBLAS threads %s;"
                        + " batches of %,d; each rate over at least %.1f s; %d repeat(s), Java and Python"
                        + " alternating. Java = dinostream's JavaCPP binding, Python = python3-faiss, same FAISS"
                        + " build, same files. Ratios are Java's speed over Python's (> 1: Java faster):"
                        + " the median of the per-repeat ratios, [lowest, highest].%n%n",
                options.base(),
                options.dimension(),
                options.queries(),
                options.k(),
                options.threads(),
                System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "1"),
                Math.min(options.queries(), options.timing().batchSize()),
                options.timing().minSeconds(),
                options.repeats()));
        out.append("| index | params | build s (Java / Python) | build ratio | batch QPS (Java / Python) |"
                + " batch ratio | single QPS (Java / Python) | single ratio | recall@k (Java / Python) |"
                + " in turns, own builds: batch ratio | single ratio |"
                + " in turns, one index: batch ratio | single ratio |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row row : r.rows()) {
            out.append(String.format(
                    "| %s | %s | %.2f / %.2f | %s | %s / %s | %s | %s / %s | %s | %.4f / %.4f | %s | %s | %s | %s |%n",
                    row.index().factory(),
                    row.index().param().isEmpty() ? "-" : row.index().param(),
                    median(row.java(), Side::buildSeconds),
                    median(row.python(), Side::buildSeconds),
                    ratios(row.java(), row.python(), (j, p) -> p.buildSeconds() / j.buildSeconds()),
                    qps(median(row.java(), Side::batchQps)),
                    qps(median(row.python(), Side::batchQps)),
                    ratios(row.java(), row.python(), (j, p) -> j.batchQps() / p.batchQps()),
                    qps(median(row.java(), Side::singleQps)),
                    qps(median(row.python(), Side::singleQps)),
                    ratios(row.java(), row.python(), (j, p) -> j.singleQps() / p.singleQps()),
                    median(row.java(), Side::recall),
                    median(row.python(), Side::recall),
                    roundRatios(row.oneIndex(), Round::pythonOwn, (j, p) -> j.batchQps() / p.batchQps()),
                    roundRatios(row.oneIndex(), Round::pythonOwn, (j, p) -> j.singleQps() / p.singleQps()),
                    roundRatios(row.oneIndex(), Round::python, (j, p) -> j.batchQps() / p.batchQps()),
                    roundRatios(row.oneIndex(), Round::python, (j, p) -> j.singleQps() / p.singleQps())));
        }
        out.append(String.format(
                "%nBuild, batch and single columns: each side timed right after its own build, minutes apart."
                        + " \"In turns\": %d round(s) per repeat, seconds apart, the first side alternating; the"
                        + " median of every round's ratio, [lowest, highest]; every side reads its index afresh"
                        + " each round. Own builds: Java's rates on its build (its snapshot, restored) over"
                        + " Python's on its own (written with FAISS's write_index, read with read_index). One"
                        + " index: over Python's on the very index Java built, where only the binding differs.%n",
                options.rounds()));
        out.append(String.format(
                "%nExact search (Java) scans %.2f GB/s of base vectors one query at a time (split over the FAISS"
                        + " threads) and %.2f GB/s in batches; a"
                        + " memory copy of the same %.2f GB runs at %.2f GB/s: %.2f (single) and %.2f (batched).%n",
                r.flatSingleScanBytesPerSecond() / 1e9,
                r.flatBatchScanBytesPerSecond() / 1e9,
                (double) options.base() * options.dimension() * 4 / 1e9,
                r.memoryCopyBytesPerSecond() / 1e9,
                r.flatSingleScanBytesPerSecond() / r.memoryCopyBytesPerSecond(),
                r.flatBatchScanBytesPerSecond() / r.memoryCopyBytesPerSecond()));
        out.append("\nEvery repeat, each side on its own build:\n\n| index | repeat |"
                + " build s (Java / Python) | batch QPS (Java / Python) | single QPS (Java / Python) |"
                + " recall@k (Java / Python) |\n|---|---:|---:|---:|---:|---:|\n");
        for (Row row : r.rows()) {
            for (int i = 0; i < row.java().size(); i++) {
                Side j = row.java().get(i);
                Side p = row.python().get(i);
                out.append(String.format(
                        "| %s | %d | %.2f / %.2f | %.2f / %.2f | %.2f / %.2f | %.4f / %.4f |%n",
                        row.index().factory(),
                        i + 1,
                        j.buildSeconds(),
                        p.buildSeconds(),
                        j.batchQps(),
                        p.batchQps(),
                        j.singleQps(),
                        p.singleQps(),
                        j.recall(),
                        p.recall()));
            }
        }
        out.append("\nEvery round in turns (Java on its build, restored from its snapshot; Python on Java's"
                + " index and on its own build; \"first\": who was timed first):\n\n"
                + "| index | repeat | round | first | batch QPS (Java / Python on Java's / Python own) |"
                + " single QPS (Java / Python on Java's / Python own) |"
                + " recall@k (Java / Python on Java's / Python own) |\n"
                + "|---|---:|---:|---|---:|---:|---:|\n");
        for (Row row : r.rows()) {
            for (Round round : row.oneIndex()) {
                Side j = round.java();
                Side p = round.python();
                Side own = round.pythonOwn();
                out.append(String.format(
                        "| %s | %d | %d | %s | %.2f / %.2f / %.2f | %.2f / %.2f / %.2f | %.4f / %.4f / %.4f |%n",
                        row.index().factory(),
                        round.repeat(),
                        round.round(),
                        round.javaFirst() ? "Java" : "Python",
                        j.batchQps(),
                        p.batchQps(),
                        own.batchQps(),
                        j.singleQps(),
                        p.singleQps(),
                        own.singleQps(),
                        j.recall(),
                        p.recall(),
                        own.recall()));
            }
        }
        return out.toString();
    }

    /**
     * "median [lowest, highest]" of a ratio of Java's figures to Python's over the repeats; the value alone
     * for one repeat.
     */
    static String ratios(List<Side> java, List<Side> python, ToDoubleBiFunction<Side, Side> ratio) {
        double[] values = new double[java.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = ratio.applyAsDouble(java.get(i), python.get(i));
        }
        Arrays.sort(values);
        String median = String.format("%.2f", median(values));
        return values.length == 1
                ? median
                : String.format("%s [%.2f, %.2f]", median, values[0], values[values.length - 1]);
    }

    /** As {@link #ratios}, over every round: Java's side against the Python side {@code python} picks. */
    static String roundRatios(List<Round> rounds, Function<Round, Side> python, ToDoubleBiFunction<Side, Side> ratio) {
        return ratios(
                rounds.stream().map(Round::java).toList(),
                rounds.stream().map(python).toList(),
                ratio);
    }

    static double median(List<Side> sides, ToDoubleFunction<Side> figure) {
        double[] values = sides.stream().mapToDouble(figure).sorted().toArray();
        return median(values);
    }

    /** A rate with the digits that matter: whole numbers from 100 up, two decimals below (exact search at 1M). */
    static String qps(double rate) {
        return rate >= 100 ? String.format("%.0f", rate) : String.format("%.2f", rate);
    }

    /** The middle of sorted values; the mean of the two middle ones for an even count. */
    static double median(double[] sorted) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
