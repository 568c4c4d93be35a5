package io.dinostream.app.cli;

import io.dinostream.common.files.FileTrees;
import io.dinostream.common.kafka.KafkaClients;
import io.dinostream.common.kafka.KafkaSetup;
import io.dinostream.embedder.model.DinoV2Model;
import io.dinostream.trainer.curate.Curation;
import io.dinostream.trainer.curate.CurationEmbeddings;
import io.dinostream.trainer.curate.CurationManifest;
import io.dinostream.trainer.curate.CurationProgress;
import io.dinostream.trainer.curate.CurationStep;
import io.dinostream.trainer.curate.DuplicateEvidence;
import io.dinostream.trainer.curate.DuplicateScore;
import io.dinostream.trainer.curate.ManifestTopic;
import io.dinostream.trainer.curate.pool.PoolFiles;
import io.dinostream.trainer.curate.pool.PoolTruth;
import io.dinostream.trainer.curate.pool.UncuratedPool;
import io.dinostream.trainer.curate.pool.UncuratedPoolGenerator;
import io.dinostream.trainer.curate.vectors.VectorSource;
import io.dinostream.trainer.data.Datasets;
import io.dinostream.trainer.data.ImageDataset;
import io.dinostream.trainer.data.KafkaTopicImages;
import io.dinostream.trainer.plot.ClusterSizes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code dinostream curate}: DINOv2-style data curation into a manifest (docs/curation.md). */
public final class CurateCommand implements Command {
    /** The correlation at which pixel verification calls a copy (docs/curation.md: measured trade-off). */
    static final String DEFAULT_PIXEL_THRESHOLD = "0.997";

    static final String DEFAULT_EMBEDDING_THRESHOLD = "0.95";

    @Override
    public String name() {
        return "curate";
    }

    @Override
    public String summary() {
        return "curate training data: drop near-duplicates and evaluation copies, retrieve, balance clusters";
    }

    @Override
    public String help() {
        return """
                usage: dinostream curate --pool SPEC --out MANIFEST [--out-topic T] [--target N] [--seeds SPEC] [--protect SPEC]
                       dinostream curate make-pool --out DIR [--originals N] [--imbalance R] [--duplicated S]
                                                   [--junk S] [--seed N]

                Embeds the pool with a model and runs the curation steps on the embeddings, each one on
                what the previous ones kept: (a) copies of an image of the protected set are dropped,
                then near-duplicates (copies found on pixels or embeddings, see --dedup-by; the first
                image of a group is kept); (b) with seeds, only what the seeds retrieve is kept; (c) k-means (FAISS,
                hierarchical with several --clusters levels) and sampling balanced across clusters down to
                --target. Writes the manifest (one row per pool image: the step that dropped it or kept,
                and its cluster; train from it with --data manifest:MANIFEST), MANIFEST-summary.md and
                MANIFEST-clusters.png (cluster sizes before and after balancing).

                make-pool writes an uncurated test pool built from Fashion-MNIST's train split: class
                imbalance, exact and near duplicates (flip, crop, noise, JPEG), junk (noise, text, shapes),
                as PNG files with DIR/truth.csv; curate scores itself against that truth.

                options:
                  --pool SPEC               fashion-mnist:train, fashion-mnist:test, dir:PATH or kafka:TOPIC
                                            (the images of a topic in the images wire format, as they stand;
                                            needs --bootstrap-servers) (required)
                  --out FILE                the manifest (required)
                  --out-topic TOPIC         also write the manifest to this topic (key: image name; value:
                                            JSON with pool, curation, index, name, step, cluster)
                  --target N                keep at most N images (default 0: no sampling)
                  --seeds SPEC              seed images for retrieval (default none: step b skipped)
                  --protect SPEC            evaluation images that must not leak into training (default none)
                  --dedup-by pixels|embedding
                                            what duplicates are judged on: pixels (default; candidates from
                                            a blurred thumbnail descriptor over flipped and cropped views,
                                            FAISS k-NN, then verified by correlation of 28x28 thumbnails:
                                            finds flipped, cropped, noisy and re-encoded copies) or
                                            embedding (cosine similarity of the model's embeddings, FAISS
                                            range search)
                  --dedup-threshold T       similarity at or above which images are duplicates: correlation
                                            for pixels (default 0.997), cosine for embedding (default 0.95),
                                            or off
                  --protect-threshold T     the same against the protected set (default: --dedup-threshold)
                  --retrieval MODE          auto (default: cluster below 1000 seeds, else nearest), nearest,
                                            cluster
                  --k N                     neighbours per seed for nearest (default 4)
                  --per-seed N              images per seed for cluster (default 100)
                  --clusters K[,K2,...]     clusters per level, finest first (default pool/100; a second level
                                            above 100,000 images)
                  --no-balance              sample uniformly instead of balancing clusters
                  --weights W               the embedding model, as for eval (default: the configured model)
                  --truth FILE              ground truth to score against (default DIR/truth.csv of a dir pool)
                  --seed N                  seed of clustering and sampling (default 0)
                """;
    }

    @Override
    public int run(List<String> rawArgs) throws Exception {
        Args args = Args.parse(
                rawArgs,
                List.of(
                        "pool",
                        "out",
                        "target",
                        "seeds",
                        "protect",
                        "dedup-threshold",
                        "dedup-by",
                        "protect-threshold",
                        "retrieval",
                        "k",
                        "per-seed",
                        "clusters",
                        "weights",
                        "truth",
                        "seed",
                        "out-topic",
                        "originals",
                        "imbalance",
                        "duplicated",
                        "junk"),
                List.of("no-balance"),
                Map.of());
        if (args.positional().equals(List.of("make-pool"))) {
            return makePool(args);
        }
        if (!args.positional().isEmpty()) {
            throw new UsageException("unexpected argument " + args.positional().get(0));
        }
        String poolSpec = args.option("pool", null);
        String out = args.option("out", null);
        if (poolSpec == null || out == null) {
            throw new UsageException("--pool and --out are required");
        }
        poolSpec = absolute(poolSpec);
        ImageDataset pool = DatasetSpecs.open("--pool", poolSpec, args.config);
        ImageDataset seeds = args.option("seeds", null) == null
                ? null
                : DatasetSpecs.open("--seeds", args.option("seeds", null), args.config);
        ImageDataset protect = args.option("protect", null) == null
                ? null
                : DatasetSpecs.open("--protect", args.option("protect", null), args.config);
        String outTopic = args.option("out-topic", null);
        if (outTopic != null && args.config.bootstrapServers().isBlank()) {
            throw new UsageException("--out-topic needs a Kafka cluster: set --bootstrap-servers HOST:PORT");
        }
        boolean byPixels = dedupBy(args.option("dedup-by", "pixels"));
        String defaultThreshold = byPixels ? DEFAULT_PIXEL_THRESHOLD : DEFAULT_EMBEDDING_THRESHOLD;
        float dedup = threshold(args, "dedup-threshold", defaultThreshold);
        float protectThreshold = threshold(args, "protect-threshold", args.option("dedup-threshold", defaultThreshold));
        Curation.Options options = new Curation.Options(
                dedup,
                protectThreshold,
                retrieval(args.option("retrieval", "auto")),
                args.intOption("k", 4, 1, 10_000),
                args.intOption("per-seed", 100, 1, Integer.MAX_VALUE),
                !args.flag("no-balance"),
                levels(args.option("clusters", "")),
                args.intOption("target", 0, 0, Integer.MAX_VALUE),
                args.intOption("seed", 0, 0, Integer.MAX_VALUE));
        PoolTruth truth = truth(args, poolSpec, pool);

        long start = System.nanoTime();
        Path work = Files.createTempDirectory("dinostream-curate");
        Curation.Result result;
        String model;
        Bars bars = new Bars();
        try (DinoV2Model dino = EvalCommand.model(args, args.option("weights", null))) {
            model = dino.describe();
            System.err.println("embedding " + pool.describe() + " with " + model);
            // The pool's embeddings go to on-disk stores chunk by chunk; seeds and the protected set,
            // evaluation-sized, stay on the heap.
            result = dino.withEngine((manager, ps, vit) -> {
                try (CurationEmbeddings.Stores stores = CurationEmbeddings.embed(vit, manager, pool, work, bars)) {
                    VectorSource seedVectors =
                            seeds == null ? null : VectorSource.of(CurationEmbeddings.semantic(vit, manager, seeds));
                    DuplicateEvidence evidence = byPixels
                            ? new DuplicateEvidence.Pixels(
                                    stores.thumbnails(),
                                    protect == null ? null : VectorSource.of(CurationEmbeddings.thumbnails(protect)))
                            : new DuplicateEvidence.Embeddings(
                                    stores.semantic(),
                                    protect == null
                                            ? null
                                            : VectorSource.of(CurationEmbeddings.semantic(vit, manager, protect)));
                    bars.finish();
                    System.err.printf(Locale.ROOT, "embedded in %.1f s%n", (System.nanoTime() - start) / 1e9);
                    return Curation.run(new Curation.Input(evidence, stores.semantic(), seedVectors), options, bars);
                }
            });
        } finally {
            bars.finish();
            FileTrees.delete(work);
        }

        Path manifestFile = Path.of(out);
        List<CurationManifest.Row> rows = new ArrayList<>(pool.size());
        for (int i = 0; i < pool.size(); i++) {
            rows.add(new CurationManifest.Row(i, pool.name(i), result.steps()[i], result.cluster()[i]));
        }
        CurationManifest manifest = new CurationManifest(poolSpec, rows);
        manifest.write(manifestFile);
        String base = manifestFile.toString().replaceFirst("\\.csv$", "");
        Path png = Path.of(base + "-clusters.png");
        if (result.clusterSizesBefore().length > 0) {
            ClusterSizes.write(
                    png,
                    "curation of " + pool.describe() + ": cluster sizes before and after balancing",
                    result.clusterSizesBefore(),
                    result.clusterSizesAfter());
        }
        String summary = summary(pool, poolSpec, model, byPixels ? "pixels" : "embedding", options, result, truth, png);
        if (pool instanceof KafkaTopicImages topicImages
                && !topicImages.skipped().isEmpty()) {
            summary += "\nRecords left out because they do not decode ("
                    + topicImages.skipped().size() + "):\n\n"
                    + String.join(
                            "\n",
                            topicImages.skipped().stream().map(r -> "- " + r).toList()) + "\n";
        }
        if (outTopic != null) {
            KafkaSetup.createIfMissing(args.config, List.of(KafkaSetup.manifestTopic(args.config, outTopic)));
            int written = ManifestTopic.write(
                    KafkaClients.producer(args.config, "dinostream-curate"),
                    outTopic,
                    manifestFile.toAbsolutePath().toString(),
                    manifest);
            summary += "\nManifest written to topic " + outTopic + " (" + written + " records).\n";
        }
        Files.writeString(Path.of(base + "-summary.md"), summary);
        System.out.print(summary);
        return 0;
    }

    private static String summary(
            ImageDataset pool,
            String poolSpec,
            String model,
            String dedupBy,
            Curation.Options options,
            Curation.Result result,
            PoolTruth truth,
            Path png) {
        StringBuilder s = new StringBuilder();
        s.append("# Curation of ").append(poolSpec).append("\n\n");
        s.append("- pool: ").append(pool.describe()).append('\n');
        s.append("- embeddings: ").append(model).append('\n');
        s.append(String.format(
                Locale.ROOT,
                "- options: dedup by %s at %s, protect %s, retrieval %s (k %d, per seed %d), %s, clusters %s, target %d, seed %d%n",
                dedupBy,
                options.dedupThreshold(),
                options.evalCopyThreshold(),
                options.retrieval().name().toLowerCase(Locale.ROOT),
                options.retrievalK(),
                options.perSeed(),
                options.balance() ? "balanced" : "uniform",
                options.clusterLevels().length == 0 ? "default" : Arrays.toString(options.clusterLevels()),
                options.target(),
                options.seed()));
        s.append("\n| step | images |\n|---|---|\n");
        result.counts().forEach((step, count) -> s.append("| ")
                .append(step.label())
                .append(" | ")
                .append(count)
                .append(" |\n"));
        s.append("| duplicate groups | ").append(result.duplicateGroups()).append(" |\n");
        if (result.clusterSizesBefore().length > 0) {
            s.append("\nCluster sizes before and after balancing: ")
                    .append(png.getFileName())
                    .append('\n');
        }
        if (truth != null) {
            boolean[] removedAsDuplicate = new boolean[truth.size()];
            boolean[] kept = new boolean[truth.size()];
            for (int i = 0; i < truth.size(); i++) {
                removedAsDuplicate[i] = result.steps()[i] == CurationStep.DUPLICATE;
                kept[i] = result.steps()[i] == CurationStep.KEPT;
            }
            s.append("\nAgainst the ground truth:\n\n");
            s.append("- duplicate removal: ")
                    .append(DuplicateScore.of(truth, removedAsDuplicate))
                    .append('\n');
            s.append(String.format(
                    Locale.ROOT,
                    "- class-balance entropy (nats, max %.3f): %.3f in the pool, %.3f kept%n",
                    Math.log(10),
                    entropy(truth, i -> true),
                    entropy(truth, i -> kept[i])));
            int junk = 0;
            int junkKept = 0;
            for (int i = 0; i < truth.size(); i++) {
                if (truth.kinds()[i].isJunk()) {
                    junk++;
                    junkKept += kept[i] ? 1 : 0;
                }
            }
            s.append("- junk kept: ")
                    .append(junkKept)
                    .append(" of ")
                    .append(junk)
                    .append('\n');
        }
        return s.toString();
    }

    private static double entropy(PoolTruth truth, java.util.function.IntPredicate which) {
        int[] counts = new int[10];
        int total = 0;
        for (int i = 0; i < truth.size(); i++) {
            int label = truth.labels()[i];
            if (label >= 0 && label < counts.length && which.test(i)) {
                counts[label]++;
                total++;
            }
        }
        double h = 0;
        for (int c : counts) {
            if (c > 0) {
                h -= c / (double) total * Math.log(c / (double) total);
            }
        }
        return h;
    }

    private static int makePool(Args args) throws Exception {
        String out = args.option("out", null);
        if (out == null) {
            throw new UsageException("--out DIR is required");
        }
        UncuratedPoolGenerator.Options defaults = UncuratedPoolGenerator.Options.defaults(0);
        UncuratedPoolGenerator.Options options = new UncuratedPoolGenerator.Options(
                args.intOption("originals", defaults.originals(), 1, 60_000),
                args.doubleOption("imbalance", defaults.imbalance(), 1, 1e6),
                args.doubleOption("duplicated", defaults.duplicatedShare(), 0, 1),
                args.doubleOption("junk", defaults.junkShare(), 0, 10),
                args.intOption("seed", 0, 0, Integer.MAX_VALUE));
        UncuratedPool pool = UncuratedPoolGenerator.generate(Datasets.open("fashion-mnist:train"), options);
        PoolFiles.write(pool, Path.of(out));
        System.out.printf(
                Locale.ROOT,
                "wrote %d images (%d duplicates, %d junk) and %s to %s%n",
                pool.size(),
                pool.truth().duplicates(),
                pool.truth().junk(),
                PoolFiles.TRUTH_FILE,
                out);
        return 0;
    }

    private static PoolTruth truth(Args args, String poolSpec, ImageDataset pool) throws Exception {
        String file = args.option("truth", null);
        Path path = null;
        if (file != null) {
            path = Path.of(file);
        } else if (poolSpec.startsWith("dir:")) {
            Path candidate = Path.of(poolSpec.substring(4)).resolve(PoolFiles.TRUTH_FILE);
            path = Files.isRegularFile(candidate) ? candidate : null;
        }
        if (path == null) {
            return null;
        }
        PoolTruth truth = PoolTruth.read(path);
        if (truth.size() != pool.size()) {
            throw new UsageException(path + " describes " + truth.size() + " images, the pool has " + pool.size());
        }
        return truth;
    }

    /** dir: pools are recorded with an absolute path, so that the manifest can be trained from anywhere. */
    private static String absolute(String spec) {
        return spec.startsWith("dir:")
                ? "dir:" + Path.of(spec.substring(4)).toAbsolutePath().normalize()
                : spec;
    }

    private static float threshold(Args args, String option, String defaultValue) {
        String value = args.option(option, defaultValue);
        if (value.equals("off")) {
            return Float.NaN;
        }
        try {
            float t = Float.parseFloat(value);
            if (!(t > -1 && t < 1)) {
                throw new NumberFormatException();
            }
            return t;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + option + " must be a cosine similarity in (-1, 1) or off, got " + value);
        }
    }

    private static boolean dedupBy(String value) {
        return switch (value) {
            case "pixels" -> true;
            case "embedding" -> false;
            default -> throw new UsageException("--dedup-by must be pixels or embedding, got " + value);
        };
    }

    private static Curation.Retrieval retrieval(String value) {
        try {
            return Curation.Retrieval.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--retrieval must be auto, nearest or cluster, got " + value);
        }
    }

    private static int[] levels(String value) {
        if (value.isBlank()) {
            return new int[0];
        }
        try {
            int[] levels = Arrays.stream(value.split(","))
                    .mapToInt(v -> Integer.parseInt(v.trim()))
                    .toArray();
            for (int k : levels) {
                if (k < 1) {
                    throw new NumberFormatException();
                }
            }
            return levels;
        } catch (NumberFormatException e) {
            throw new UsageException("--clusters must be positive counts, finest first, e.g. 100,10; got " + value);
        }
    }

    /** One progress bar per curation step, on standard error. */
    private static final class Bars implements CurationProgress {
        private String step;
        private ProgressBar bar;

        @Override
        public void update(String step, long done, long total) {
            if (!step.equals(this.step)) {
                finish();
                this.step = step;
                bar = new ProgressBar(System.err, step, total);
            }
            bar.update(done);
        }

        void finish() {
            if (bar != null) {
                bar.finish();
                bar = null;
            }
        }
    }
}
