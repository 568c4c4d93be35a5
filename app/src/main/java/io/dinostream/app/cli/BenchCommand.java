package io.dinostream.app.cli;

import io.dinostream.bench.ApiBenchmark;
import io.dinostream.bench.CurateBenchmark;
import io.dinostream.bench.EmbedBenchmark;
import io.dinostream.bench.EmbedLeakCheck;
import io.dinostream.bench.GpuIndexBenchmark;
import io.dinostream.bench.IndexBenchmark;
import io.dinostream.bench.PipelineBenchmark;
import io.dinostream.bench.TrainBenchmark;
import io.dinostream.common.files.FileTrees;
import io.dinostream.index.eval.IndexEvaluation;
import io.dinostream.trainer.config.TrainConfig;
import io.dinostream.trainer.data.FashionMnistImages;
import io.dinostream.trainer.distill.DistillationSetup;
import io.dinostream.trainer.train.RunSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code dinostream bench embed}: model speed against a same-run reference, and memory flatness. */
public final class BenchCommand implements Command {
    /** Resident memory may grow this much over the leak check (allocator slack), not more. */
    static final long RSS_GROWTH_LIMIT_BYTES = 64L << 20;
    /** Heap after GC may grow this much (JIT, class metadata), not more. */
    static final long HEAP_GROWTH_LIMIT_BYTES = 16L << 20;

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "benchmarks: embed (model vs matmul references, memory), index (FAISS vs python3-faiss), gpu-index, pipeline, api";
    }

    @Override
    public String help() {
        return """
                usage: dinostream bench api [--vectors 100000] [--clusters 1000] [--concurrency 1,4,16,64]
                                            [--image-concurrency 1,4,16]
                                            [--seconds 10] [--rate 500] [--soak-seconds 0] [--hold-seconds 0]
                                            [--output FILE]
                       dinostream bench pipeline [--images 2000] [--freshness-seconds 30] [--output FILE]
                       dinostream bench train [--preset fmnist-vit-tiny | --recipe R.json] [--teacher W.safetensors]
                                             [--batch-size N] [--steps 20] [--output FILE]
                       dinostream bench curate [--sizes 100000,1000000] [--dim 96] [--duplicates 0.05]
                                               [--levels K[,K2]] [--heap 4g] [--output FILE]
                       dinostream bench index [--base 200000] [--dim 128] [--queries 1000] [--k 10] [--repeats 1]
                                              [--rounds 3] [--seconds 1] [--cases 'Flat;HNSW32/efSearch=128;...']
                                              [--output FILE]
                       dinostream bench gpu-index [--base 1000000] [--dim 384] [--queries 1000]
                                                  [--cases 'Flat;IVF1024,Flat/nprobe=16'] [--output FILE]
                       dinostream bench embed [--preset vits14] [--resolution 224] [--batches 1,32]
                                              [--seconds 20] [--leak-images 10000] [--leak-preset vit-tiny-demo]
                                              [--output FILE]

                api: indexes --vectors seeded vectors (the configured model's dimension; --clusters Gaussian
                clusters as embeddings are, 0 for uniform random) with the Kafka
                Streams index on an in-process broker, serves them with the query API (read key required),
                and loads it over HTTP/1.1: search by vector and by image at each concurrency (closed loop),
                each against the same search called in process (the reference), then search by vector at
                --rate requests/s (open loop, latency from each request's due time), then a soak at that rate
                for --soak-seconds with p50/p99, heap after GC and resident memory per minute. Exit code 1 on
                any error answer. --hold-seconds keeps the server up afterwards for wrk (the Lua script and
                the command are printed).

                train: self-supervised training steps on Fashion-MNIST (augmentation inline): images per
                second, the time of each phase of a step, and the share outside the student's forward and
                backward; the reference is the bare student backbone's forward and backward on the same
                crops, in the same run. The engine's default device is used (a GPU when the engine has one).
                With --teacher, the steps are distillation steps from that teacher (as dinostream distill;
                the teacher's forward is the 'teacher' phase).

                curate: the curation pipeline (near-duplicate removal at cosine 0.98, hierarchical k-means
                with --levels or the pipeline's default levels, balanced sampling to half the pool) on
                --sizes seeded synthetic embeddings (1,000 Gaussian clusters, --duplicates of them near-copies
                of earlier ones), each size twice, each in its own JVM (-Xmx --heap): streamed from a RocksDB
                vector store, and from heap arrays (the reference). Reports time per step, peak resident
                memory during curation, both as ratios to the reference, and the injected duplicates found.

                pipeline: images per second from ingest to searchable through an in-process broker, the
                embedder and the index (Kafka Streams, exactly-once), against the bare embedder on the same
                model and batch size (--model-*, --embedder-batch-size) in the same run; then the
                ingest-to-searchable latency p50/p99 while images arrive at half that rate (a fresh pipeline).

                index: builds each case (--cases, default Flat; HNSW32/efSearch=128; IVF1024,Flat/nprobe=16;
                IVF1024,PQ16/nprobe=16 (PQ8 where the dimension is not a multiple of 16); ';' between cases, '/'
                before the search parameters) on the same seeded vectors through dinostream's FAISS binding and
                through python3-faiss (the same Debian FAISS; needs python3-faiss and python3-numpy), with the
                same threads (--model-threads, default all cores; OpenBLAS one thread on both sides unless
                OPENBLAS_NUM_THREADS says otherwise), --repeats times, Java and Python alternating. Reports
                build time, QPS (batches of 1,000 queries, and single queries; each over at least --seconds),
                recall@k, medians with the spread of the Java/Python ratios, and the exact scan's bytes/s
                against a memory copy. Search speed is also compared on one index: in each repeat, with the
                index Java built still open, Java and python3-faiss (on the file Java wrote) are timed in
                turns --rounds times, the first side alternating. At 1M x 384 give the JVM room: DINOSTREAM_JAVA_OPTS=-Xmx12g.

                gpu-index: needs the GPU build of the FAISS binding and a CUDA device (docs/index.md, "GPU").
                Builds each case (--cases, default Flat; IVF1024,Flat/nprobe=16) on the CPU from seeded clustered
                vectors, times batches of --queries there, moves the very same index to the GPU and times the
                same batches there. Reports both QPS, their ratio, the copy's time and recall@10 of both against
                exact search. Exit code 1, with the reason, where no GPU is usable.

                embed: measures the DINOv2 forward pass at each batch size in images/s, model GFLOP/s and peak
                RSS, against two references measured in the same run: a float32 matrix multiply on the same
                engine and threads (before and after the model cases), and the identical network (same
                weights, exported to ONNX) run by ONNX Runtime on the same number of threads. Then embeds --leak-images PNG images through the
                production path (decode, preprocess, batched forward pass) and checks that heap and
                resident memory stay flat after a warm-up: exit code 1 if they grow by more than 16 MB
                (heap) or 64 MB (RSS). Threads: --model-threads (default: all cores).

                options:
                  --preset NAME        model for the speed cases (random weights; default vits14)
                  --resolution N       input side (default 224)
                  --batches LIST       batch sizes (default 1,32)
                  --seconds S          at least this long per case (default 20)
                  --matmul N           side of the reference matrices (default 2048)
                  --leak-images N      images for the memory check, 0 to skip (default 10000)
                  --leak-preset NAME   model for the memory check (default vit-tiny-demo)
                  --leak-backend B     onnxruntime (default, as the embedder) or djl
                  --output FILE        also write the report (Markdown) here
                """;
    }

    private static int index(Args args) throws Exception {
        Process probe = new ProcessBuilder("/usr/bin/python3", "-c", "import faiss, numpy")
                .redirectErrorStream(true)
                .start();
        if (probe.waitFor() != 0) {
            System.err.println("bench index needs python3-faiss and python3-numpy for the reference side:");
            System.err.println("  sudo apt-get install -y python3-faiss python3-numpy");
            return 1;
        }
        int threads = args.config.getInt(io.dinostream.common.config.DinostreamConfig.MODEL_THREADS);
        int engineThreads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        io.dinostream.index.faiss.FaissNative.setThreads(engineThreads);
        int dim = args.intOption("dim", 128, 16, 4096);
        String defaultCases =
                "Flat;HNSW32/efSearch=128;IVF1024,Flat/nprobe=16;IVF1024,PQ" + (dim % 16 == 0 ? 16 : 8) + "/nprobe=16";
        List<IndexBenchmark.Case> cases;
        try {
            cases = IndexBenchmark.Case.parseList(args.option("cases", defaultCases));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        int base = args.intOption("base", 200_000, 1_000, 100_000_000);
        int queries = args.intOption("queries", 1_000, 10, 1_000_000);
        int k = args.intOption("k", 10, 1, 1000);
        int repeats = args.intOption("repeats", 1, 1, 100);
        int rounds = args.intOption("rounds", 3, 1, 100);
        IndexEvaluation.Timing timing = new IndexEvaluation.Timing(args.doubleOption("seconds", 1.0, 0, 3600), 1_000);
        Path work = Files.createTempDirectory("dinostream-bench-index");
        IndexBenchmark.Options options =
                new IndexBenchmark.Options(base, dim, queries, k, cases, engineThreads, repeats, rounds, timing, work);
        try {
            IndexBenchmark.Result result = IndexBenchmark.run(options, line -> System.err.println(line));
            String report = "## bench index\n\n" + IndexBenchmark.markdown(options, result);
            publish(args, report);
            return 0;
        } finally {
            FileTrees.delete(work); // the vector files: 1.5 GB at 1M x 384
        }
    }

    private static int gpuIndex(Args args) throws Exception {
        int base = args.intOption("base", 1_000_000, 1_000, 100_000_000);
        int dim = args.intOption("dim", 384, 16, 4096);
        int queries = args.intOption("queries", 1_000, 10, 1_000_000);
        List<String> cases = List.of(args.option("cases", String.join(";", GpuIndexBenchmark.DEFAULT_CASES))
                .split(";"));
        List<GpuIndexBenchmark.Row> rows;
        try {
            rows = GpuIndexBenchmark.run(base, dim, queries, cases, line -> System.err.println(line));
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        publish(args, "## bench gpu-index\n" + GpuIndexBenchmark.markdown(base, dim, queries, rows));
        return 0;
    }

    private static int pipeline(Args args) throws Exception {
        PipelineBenchmark.Options options = new PipelineBenchmark.Options(
                args.intOption("images", 2_000, 50, 1_000_000),
                Double.parseDouble(args.option("freshness-seconds", "30")),
                args.config,
                Files.createTempDirectory("dinostream-bench-pipeline"));
        PipelineBenchmark.Result result = PipelineBenchmark.run(options, line -> System.err.println(line));
        String report = String.format(
                        "## bench pipeline (%d cores, model %s, backend %s)%n%n",
                        Runtime.getRuntime().availableProcessors(),
                        args.config.getString(io.dinostream.common.config.DinostreamConfig.MODEL_PRESET),
                        args.config.getString(io.dinostream.common.config.DinostreamConfig.MODEL_BACKEND))
                + PipelineBenchmark.markdown(result);
        publish(args, report);
        return 0;
    }

    private static int train(Args args) throws Exception {
        String recipe = args.option("recipe", null);
        TrainConfig base = recipe != null
                ? TrainCommand.readRecipe("--recipe " + recipe, Path.of(recipe))
                : TrainConfig.preset(args.option("preset", "fmnist-vit-tiny"));
        TrainConfig config = base.withRun(
                base.optim().epochs(), args.intOption("batch-size", base.optim().batchSize(), 2, 65_536), 0);
        RunSetup setup = RunSetup.selfSupervised();
        String teacher = args.option("teacher", null);
        if (teacher != null) {
            DistillationSetup distillation = DistillationSetup.load(Path.of(teacher), config.head());
            config = config.withHead(distillation.headSpec());
            setup = distillation;
            System.err.println("distillation from " + distillation.describe());
        }
        int steps = args.intOption("steps", 20, 1, 100_000);
        TrainBenchmark.Result r = TrainBenchmark.run(
                setup, config, FashionMnistImages.load("train"), 3, steps, line -> System.err.println(line));
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "## bench train (%s%s, %d cores, %s, batch %d, %d steps)%n%n",
                config.preset(),
                teacher == null ? "" : ", distillation",
                Runtime.getRuntime().availableProcessors(),
                r.device(),
                r.batchSize(),
                r.steps()));
        out.append("| phase | ms / step | share |\n|---|---:|---:|\n");
        out.append(String.format(
                Locale.ROOT,
                "| augmentation (Java, %d images x %d crops) | %.1f | %.1f%% |%n",
                r.batchSize(),
                2 + config.crops().localCrops(),
                r.augmentSecondsPerStep() * 1e3,
                100 * r.augmentSecondsPerStep() / r.stepSeconds()));
        r.secondsPerStep()
                .forEach((phase, seconds) -> out.append(String.format(
                        Locale.ROOT,
                        "| %s | %.1f | %.1f%% |%n",
                        phase.name().toLowerCase(Locale.ROOT).replace('_', ' '),
                        seconds * 1e3,
                        100 * seconds / r.stepSeconds())));
        out.append(String.format(Locale.ROOT, "| **step** | **%.1f** | 100%% |%n%n", r.stepSeconds() * 1e3));
        out.append(String.format(
                Locale.ROOT,
                "training: %.1f images/s; outside the student's forward and backward: %.1f%% of the step;%n"
                        + "reference, bare student forward+backward on the same crops: %.1f ms/step; step / reference = %.2f%n",
                r.imagesPerSecond(),
                100 * r.outsideModelShare(),
                r.bareModelSecondsPerStep() * 1e3,
                r.ratioToBareModel()));
        System.out.print(out);
        String output = args.option("output", null);
        if (output != null) {
            Files.writeString(Path.of(output), out.toString());
        }
        return 0;
    }

    private static int curate(Args args) throws Exception {
        Path work = Files.createTempDirectory("dinostream-bench-curate");
        try {
            CurateBenchmark.Options options = new CurateBenchmark.Options(
                    counts(args.option("sizes", "100000,1000000"), "--sizes", 100, 100_000_000),
                    args.intOption("dim", 96, 2, 4096),
                    args.doubleOption("duplicates", 0.05, 0, 0.9),
                    args.option("levels", "").isBlank()
                            ? new int[0]
                            : counts(args.option("levels", ""), "--levels", 1, 1_000_000).stream()
                                    .mapToInt(Integer::intValue)
                                    .toArray(),
                    args.intOption("seed", 0, 0, Integer.MAX_VALUE),
                    args.option("heap", "4g"),
                    work);
            List<CurateBenchmark.Case> cases = CurateBenchmark.run(options, line -> System.err.println(line));
            publish(
                    args,
                    String.format(
                                    Locale.ROOT,
                                    "## bench curate (%d cores, dimension %d, %.0f%% near-copies, -Xmx%s per case)%n%n",
                                    Runtime.getRuntime().availableProcessors(),
                                    options.dimension(),
                                    100 * options.duplicateShare(),
                                    options.heap())
                            + CurateBenchmark.markdown(cases));
            return 0;
        } finally {
            FileTrees.delete(work);
        }
    }

    private static int api(Args args) throws Exception {
        ApiBenchmark.Options options = new ApiBenchmark.Options(
                args.intOption("vectors", 100_000, 1_000, 10_000_000),
                args.intOption("clusters", 1_000, 0, 1_000_000),
                intList(args.option("concurrency", "1,4,16,64"), "--concurrency"),
                intList(args.option("image-concurrency", "1,4,16"), "--image-concurrency"),
                Double.parseDouble(args.option("seconds", "10")),
                Double.parseDouble(args.option("rate", "500")),
                Double.parseDouble(args.option("soak-seconds", "0")),
                Double.parseDouble(args.option("hold-seconds", "0")),
                args.config,
                Files.createTempDirectory("dinostream-bench-api"));
        ApiBenchmark.Result result = ApiBenchmark.run(options, line -> System.err.println(line));
        String report = String.format(
                        "## bench api (%d cores, model backend %s)%n%n",
                        Runtime.getRuntime().availableProcessors(),
                        args.config.getString(io.dinostream.common.config.DinostreamConfig.MODEL_BACKEND))
                + ApiBenchmark.markdown(result);
        publish(args, report);
        if (result.errors() > 0) {
            System.err.println(result.errors() + " requests were answered with an error");
            return 1;
        }
        if (!result.memoryFlat()) {
            System.err.println("memory grew over the soak");
            return 1;
        }
        return 0;
    }

    /** Prints a report, and writes it to {@code --output} when given. */
    private static void publish(Args args, String report) throws java.io.IOException {
        System.out.print(report);
        String output = args.option("output", null);
        if (output != null) {
            Files.writeString(Path.of(output), report);
        }
    }

    private static List<Integer> counts(String raw, String option, int min, int max) {
        List<Integer> values = new ArrayList<>();
        for (String part : raw.split(",")) {
            try {
                int value = Integer.parseInt(part.trim());
                if (value < min || value > max) {
                    throw new NumberFormatException();
                }
                values.add(value);
            } catch (NumberFormatException e) {
                throw new UsageException(option + " must be a comma-separated list of integers in [" + min + ", " + max
                        + "], got '" + raw + "'");
            }
        }
        return values;
    }

    private static List<Integer> intList(String raw, String option) {
        return counts(raw, option, 1, 4096);
    }

    @Override
    public int run(List<String> rawArgs) throws Exception {
        Args args = Args.parse(
                rawArgs,
                List.of(
                        "base",
                        "dim",
                        "queries",
                        "k",
                        "preset",
                        "resolution",
                        "batches",
                        "seconds",
                        "matmul",
                        "leak-images",
                        "leak-preset",
                        "leak-backend",
                        "output",
                        "images",
                        "freshness-seconds",
                        "vectors",
                        "clusters",
                        "concurrency",
                        "image-concurrency",
                        "rate",
                        "soak-seconds",
                        "hold-seconds",
                        "preset",
                        "batch-size",
                        "steps",
                        "recipe",
                        "teacher",
                        "sizes",
                        "duplicates",
                        "levels",
                        "heap",
                        "seed",
                        "repeats",
                        "rounds",
                        "cases"),
                List.of(),
                Map.of());
        if (args.positional().equals(List.of("index"))) {
            return index(args);
        }
        if (args.positional().equals(List.of("gpu-index"))) {
            return gpuIndex(args);
        }
        if (args.positional().equals(List.of("pipeline"))) {
            return pipeline(args);
        }
        if (args.positional().equals(List.of("api"))) {
            return api(args);
        }
        if (args.positional().equals(List.of("train"))) {
            return train(args);
        }
        if (args.positional().equals(List.of("curate"))) {
            return curate(args);
        }
        if (!args.positional().equals(List.of("embed"))) {
            throw new UsageException("expected the benchmark name: embed, index, pipeline, api, train or curate");
        }
        int threads = args.config.getInt(io.dinostream.common.config.DinostreamConfig.MODEL_THREADS);
        int engineThreads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(engineThreads));
        }
        int resolution = args.intOption("resolution", 224, 14, 1036);
        List<Integer> batches = new ArrayList<>();
        for (String b : args.option("batches", "1,32").split(",")) {
            try {
                batches.add(Integer.parseInt(b.trim()));
            } catch (NumberFormatException e) {
                throw new UsageException("--batches must be a comma-separated list of integers, got '" + b + "'");
            }
        }
        double seconds = Double.parseDouble(args.option("seconds", "20"));
        StringBuilder report = new StringBuilder();
        report.append(String.format(
                "## bench embed (%s threads, %d cores)%n%n",
                System.getProperty("ai.djl.pytorch.num_threads"),
                Runtime.getRuntime().availableProcessors()));
        EmbedBenchmark.Result speed = EmbedBenchmark.run(
                new EmbedBenchmark.Options(
                        args.option("preset", "vits14"),
                        resolution,
                        batches,
                        seconds,
                        args.intOption("matmul", 2048, 64, 16384),
                        engineThreads),
                line -> System.err.println(line));
        report.append(EmbedBenchmark.markdown(speed)).append('\n');

        int leakImages = args.intOption("leak-images", 10_000, 0, 10_000_000);
        boolean flat = true;
        if (leakImages > 0) {
            String leakBackend = args.option("leak-backend", "onnxruntime");
            if (!leakBackend.equals("onnxruntime") && !leakBackend.equals("djl")) {
                throw new UsageException("--leak-backend must be onnxruntime or djl, got '" + leakBackend + "'");
            }
            boolean onnxLeak = leakBackend.equals("onnxruntime");
            ProgressBar bar = new ProgressBar(System.err, "embed", leakImages);
            EmbedLeakCheck.Result leak = EmbedLeakCheck.run(
                    new EmbedLeakCheck.Options(
                            args.option("leak-preset", "vit-tiny-demo"), resolution, leakImages, 16, onnxLeak),
                    bar::update);
            bar.finish();
            flat = leak.heapGrowth() <= HEAP_GROWTH_LIMIT_BYTES && leak.rssGrowth() <= RSS_GROWTH_LIMIT_BYTES;
            report.append(String.format(
                    "Memory over %,d PNG images through decode + preprocess + %s (batch 16, %.0f s): heap after GC %+.1f MB"
                            + " (%.1f -> %.1f MB), resident %+.1f MB (%.1f -> %.1f MB), measured from the end of a"
                            + " %,d-image warm-up: %s.%n",
                    leak.images(),
                    args.option("leak-preset", "vit-tiny-demo") + " on " + leakBackend,
                    leak.seconds(),
                    leak.heapGrowth() / 1e6,
                    leak.heapAfterWarmUp() / 1e6,
                    leak.heapAtEnd() / 1e6,
                    leak.rssGrowth() / 1e6,
                    leak.rssAfterWarmUp() / 1e6,
                    leak.rssAtEnd() / 1e6,
                    Math.max(16, leakImages / 10),
                    flat ? "flat" : "GROWING (limit 16 MB heap, 64 MB resident)"));
        }
        publish(args, report.toString());
        return flat ? 0 : 1;
    }
}
