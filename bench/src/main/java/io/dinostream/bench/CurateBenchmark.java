package io.dinostream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dinostream.trainer.curate.Curation;
import io.dinostream.trainer.curate.CurationProgress;
import io.dinostream.trainer.curate.CurationStep;
import io.dinostream.trainer.curate.DuplicateEvidence;
import io.dinostream.trainer.curate.vectors.RocksVectorStore;
import io.dinostream.trainer.curate.vectors.VectorSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Curation at scale: the whole pipeline (near-duplicate removal, k-means, balanced sampling to half the
 * pool) on seeded synthetic embeddings with injected near-duplicates, once streamed from a RocksDB vector
 * store and once, as the reference, from arrays on the heap. Each case runs in its own JVM, so that its
 * peak resident memory is its own; the figures are time per step and peak memory during curation.
 */
public final class CurateBenchmark {
    /** Cosine above which two synthetic vectors are duplicates: copies sit near 0.995, neighbours near 0.73. */
    static final float THRESHOLD = 0.98f;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESULT = "RESULT ";

    /** How a case holds its vectors. */
    public enum Mode {
        STREAMED,
        IN_MEMORY
    }

    /**
     * @param clusters k-means levels, finest first; empty for the pipeline's default
     * @param heap the child JVMs' -Xmx
     */
    public record Options(
            List<Integer> sizes,
            int dimension,
            double duplicateShare,
            int[] clusters,
            long seed,
            String heap,
            Path workDir) {}

    /** One case's figures. */
    public record Case(
            Mode mode,
            int vectors,
            double loadSeconds,
            double curateSeconds,
            Map<String, Double> stepSeconds,
            long peakBytes,
            int duplicatesInjected,
            int duplicatesRemoved,
            int removedAsDuplicates,
            int kept,
            String failure) {
        /** A case whose JVM ran out of heap: the answer to "does it fit", not an error of the benchmark. */
        static Case outOfMemory(Mode mode, int vectors) {
            return new Case(mode, vectors, 0, 0, Map.of(), 0, 0, 0, 0, 0, "Java heap exhausted");
        }
    }

    private CurateBenchmark() {}

    public static List<Case> run(Options options, Consumer<String> log) throws IOException, InterruptedException {
        List<Case> cases = new ArrayList<>();
        for (int n : options.sizes()) {
            for (Mode mode : Mode.values()) {
                log.accept(String.format(Locale.ROOT, "curate %,d vectors, %s ...", n, mode));
                Case c = child(options, mode, n);
                if (c.failure() != null) {
                    log.accept("  failed: " + c.failure());
                    cases.add(c);
                    continue;
                }
                log.accept(String.format(
                        Locale.ROOT,
                        "  %.1f s, peak %.0f MB, %d of %d injected duplicates removed",
                        c.curateSeconds(),
                        c.peakBytes() / 1e6,
                        c.duplicatesRemoved(),
                        c.duplicatesInjected()));
                cases.add(c);
            }
        }
        return cases;
    }

    /** Runs one case in a fresh JVM with this one's class path and options. */
    private static Case child(Options options, Mode mode, int n) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-Xmx") && !arg.startsWith("-agentlib") && !arg.startsWith("-javaagent")) {
                command.add(arg);
            }
        }
        command.add("-Xmx" + options.heap());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CurateBenchmark.class.getName());
        command.add(mode.name());
        command.add(Integer.toString(n));
        command.add(Integer.toString(options.dimension()));
        command.add(Double.toString(options.duplicateShare()));
        command.add(levels(options.clusters()));
        command.add(Long.toString(options.seed()));
        command.add(options.workDir()
                .resolve(mode.name().toLowerCase(Locale.ROOT) + "-" + n)
                .toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String result = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.startsWith(RESULT)) {
                    result = line.substring(RESULT.length());
                } else {
                    output.append(line).append('\n');
                }
            }
        }
        int code = process.waitFor();
        if (code != 0 && output.indexOf("java.lang.OutOfMemoryError: Java heap space") >= 0) {
            return Case.outOfMemory(mode, n);
        }
        if (code != 0 || result == null) {
            throw new IOException("the " + mode + " case of " + n + " vectors failed (exit " + code + "):\n" + output);
        }
        return parse(JSON.readTree(result));
    }

    /** The child: one case, its figures printed as one JSON line. */
    public static void main(String[] args) throws Exception {
        Mode mode = Mode.valueOf(args[0]);
        int n = Integer.parseInt(args[1]);
        int dim = Integer.parseInt(args[2]);
        double duplicateShare = Double.parseDouble(args[3]);
        int[] clusters = args[4].isEmpty()
                ? new int[0]
                : java.util.Arrays.stream(args[4].split(","))
                        .mapToInt(Integer::parseInt)
                        .toArray();
        long seed = Long.parseLong(args[5]);
        Path dir = Path.of(args[6]);

        long start = System.nanoTime();
        Pool pool = new Pool(dim, duplicateShare, seed);
        RocksVectorStore store = null;
        VectorSource vectors;
        if (mode == Mode.STREAMED) {
            store = RocksVectorStore.create(dir, dim);
            for (int from = 0; from < n; from += VectorSource.CHUNK) {
                store.append(pool.next(Math.min(VectorSource.CHUNK, n - from)));
            }
            vectors = store;
        } else {
            float[][] rows = new float[n][];
            for (int i = 0; i < n; i++) {
                rows[i] = pool.next(1);
            }
            vectors = VectorSource.of(rows);
        }
        double loadSeconds = (System.nanoTime() - start) / 1e9;
        try {
            System.gc();
            ProcessMemory.resetPeak();
            StepClock clock = new StepClock();
            long curateStart = System.nanoTime();
            Curation.Result result = Curation.run(
                    new Curation.Input(new DuplicateEvidence.Embeddings(vectors, null), vectors, null),
                    new Curation.Options(
                            THRESHOLD, Float.NaN, Curation.Retrieval.AUTO, 4, 100, true, clusters, n / 2, seed),
                    clock);
            double curateSeconds = (System.nanoTime() - curateStart) / 1e9;
            long peak = ProcessMemory.peakResidentBytes();
            int removed = 0;
            for (int i = 0; i < n; i++) {
                removed += pool.isCopy(i) && result.steps()[i] == CurationStep.DUPLICATE ? 1 : 0;
            }
            ObjectNode out = JSON.createObjectNode();
            out.put("mode", mode.name());
            out.put("vectors", n);
            out.put("loadSeconds", loadSeconds);
            out.put("curateSeconds", curateSeconds);
            ObjectNode steps = out.putObject("stepSeconds");
            clock.seconds.forEach(steps::put);
            out.put("peakBytes", peak);
            out.put("duplicatesInjected", pool.copies());
            out.put("duplicatesRemoved", removed);
            out.put("removedAsDuplicates", result.counts().get(CurationStep.DUPLICATE));
            out.put("kept", result.counts().get(CurationStep.KEPT));
            System.out.println(RESULT + out);
        } finally {
            if (store != null) {
                store.close();
            }
        }
    }

    private static Case parse(JsonNode node) {
        Map<String, Double> steps = new LinkedHashMap<>();
        node.get("stepSeconds")
                .fields()
                .forEachRemaining(e -> steps.put(e.getKey(), e.getValue().asDouble()));
        return new Case(
                Mode.valueOf(node.get("mode").asText()),
                node.get("vectors").asInt(),
                node.get("loadSeconds").asDouble(),
                node.get("curateSeconds").asDouble(),
                steps,
                node.get("peakBytes").asLong(),
                node.get("duplicatesInjected").asInt(),
                node.get("duplicatesRemoved").asInt(),
                node.get("removedAsDuplicates").asInt(),
                node.get("kept").asInt(),
                null);
    }

    private static String levels(int[] clusters) {
        StringBuilder s = new StringBuilder();
        for (int k : clusters) {
            s.append(s.length() == 0 ? "" : ",").append(k);
        }
        return s.toString();
    }

    /** The figures as Markdown, each streamed case against the in-memory reference of its size. */
    public static String markdown(List<Case> cases) {
        StringBuilder out = new StringBuilder();
        out.append("| vectors | vectors held | curation s | steps (s) | peak memory MB | streamed / in-memory"
                + " (time, memory) | injected copies removed | removed in all |\n");
        out.append("|---:|---|---:|---|---:|---|---|---:|\n");
        for (Case c : cases) {
            String held = c.mode() == Mode.STREAMED ? "RocksDB, streamed" : "heap arrays (reference)";
            if (c.failure() != null) {
                out.append(String.format(
                        Locale.ROOT, "| %,d | %s | failed: %s | | | | | |%n", c.vectors(), held, c.failure()));
                continue;
            }
            Case reference = cases.stream()
                    .filter(r -> r.vectors() == c.vectors() && r.mode() == Mode.IN_MEMORY && r.failure() == null)
                    .findFirst()
                    .orElse(null);
            StringBuilder steps = new StringBuilder();
            c.stepSeconds().forEach((step, s) -> steps.append(steps.length() == 0 ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%s %.1f", step, s)));
            out.append(String.format(
                    Locale.ROOT,
                    "| %,d | %s | %.1f | %s | %.0f | %s | %d of %d | %d |%n",
                    c.vectors(),
                    held,
                    c.curateSeconds(),
                    steps,
                    c.peakBytes() / 1e6,
                    c.mode() == Mode.IN_MEMORY
                            ? "1, 1"
                            : reference == null
                                    ? "no reference (it failed)"
                                    : String.format(
                                            Locale.ROOT,
                                            "%.2f, %.2f",
                                            c.curateSeconds() / reference.curateSeconds(),
                                            c.peakBytes() / (double) reference.peakBytes()),
                    c.duplicatesRemoved(),
                    c.duplicatesInjected(),
                    c.removedAsDuplicates()));
        }
        return out.toString();
    }

    /**
     * Seeded synthetic embeddings: clustered unit vectors, and among them near-copies (an earlier vector
     * plus slight noise, cosine about 0.995) at the given share.
     */
    private static final class Pool {
        private static final int RECENT = 4096;
        private final SyntheticVectors vectors;
        private final double duplicateShare;
        private final Random random;
        private final float[][] recent = new float[RECENT][];
        private final java.util.BitSet copies = new java.util.BitSet();
        private final int dimension;
        private int made;

        Pool(int dimension, double duplicateShare, long seed) {
            this.vectors = new SyntheticVectors(dimension, 1000, seed);
            this.duplicateShare = duplicateShare;
            this.random = new Random(seed + 1);
            this.dimension = dimension;
        }

        /** The next {@code count} vectors, row-major. */
        float[] next(int count) {
            float[] out = new float[count * dimension];
            for (int r = 0; r < count; r++) {
                float[] v;
                if (made > 0 && random.nextDouble() < duplicateShare) {
                    float[] original = recent[random.nextInt(Math.min(made, RECENT))];
                    v = new float[dimension];
                    double norm = 0;
                    for (int j = 0; j < dimension; j++) {
                        v[j] = original[j] + (float) (0.01 * random.nextGaussian());
                        norm += v[j] * v[j];
                    }
                    for (int j = 0; j < dimension; j++) {
                        v[j] /= (float) Math.sqrt(norm);
                    }
                    copies.set(made);
                } else {
                    v = vectors.next();
                }
                recent[made % RECENT] = v;
                System.arraycopy(v, 0, out, r * dimension, dimension);
                made++;
            }
            return out;
        }

        boolean isCopy(int i) {
            return copies.get(i);
        }

        int copies() {
            return copies.cardinality();
        }
    }

    /**
     * Times the pipeline's steps from its progress reports. A step is charged from the previous step's last
     * report to its own last one, so that its preparation (building an index, training centroids), which
     * comes before its first report, counts as its own.
     */
    private static final class StepClock implements CurationProgress {
        final Map<String, Double> seconds = new LinkedHashMap<>();
        private final long start = System.nanoTime();
        private String step;
        private long stepStart;
        private long lastReport = start;

        @Override
        public void update(String name, long done, long total) {
            long now = System.nanoTime();
            if (!name.equals(step)) {
                step = name;
                stepStart = lastReport;
            }
            lastReport = now;
            seconds.put(name, (now - stepStart) / 1e9);
        }
    }
}
