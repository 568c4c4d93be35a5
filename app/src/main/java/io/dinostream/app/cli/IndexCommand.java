package io.dinostream.app.cli;

import io.dinostream.index.eval.IndexEvaluation;
import io.dinostream.index.eval.VectorFiles;
import io.dinostream.index.faiss.FactoryVectorIndex;
import io.dinostream.index.vector.SearchParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code dinostream index eval}: our FAISS binding on standard ANN files, for comparison with other tools. */
public final class IndexCommand implements Command {
    @Override
    public String name() {
        return "index";
    }

    @Override
    public String summary() {
        return "index tools: eval (build and search .fvecs/.npy files, recall against .ivecs)";
    }

    @Override
    public String help() {
        return """
                usage: dinostream index eval --base B.fvecs --query Q.fvecs --factory "HNSW32"
                                             [--metric ip|l2] [--k 10] [--param efSearch=128]
                                             [--gt G.ivecs] [--out I.ivecs]

                Builds the index named by the FAISS factory string from the base vectors (ids are row
                numbers; an index that needs training is trained on the base), searches every query, writes
                the result ids as .ivecs (-1 where fewer than k were found), and prints the build time, the
                QPS of one batch of all queries and of single queries (up to 1,000), and with --gt the
                recall@k. .npy float32 (n, d) files are accepted wherever .fvecs are.

                options:
                  --base FILE        base vectors (.fvecs or .npy)
                  --query FILE       query vectors (.fvecs or .npy)
                  --factory STRING   FAISS factory string: Flat, HNSW32, IVF1024,Flat, IVF1024,PQ16, ...
                  --metric ip|l2     inner product (default) or squared L2
                  --k N              neighbours per query (default 10)
                  --param K=V[,..]   search parameters: nprobe=N (IVF), efSearch=N (HNSW)
                  --gt FILE          ground-truth ids (.ivecs) for recall@k
                  --out FILE         where to write the result ids (.ivecs)
                """;
    }

    @Override
    public int run(List<String> rawArgs) throws Exception {
        Args args = Args.parse(
                rawArgs, List.of("base", "query", "factory", "metric", "k", "param", "gt", "out"), List.of(), Map.of());
        if (!args.positional().equals(List.of("eval"))) {
            throw new UsageException("expected the subcommand: eval");
        }
        Path basePath = file(args, "base");
        Path queryPath = file(args, "query");
        String factory = args.option("factory", null);
        if (factory == null) {
            throw new UsageException("--factory is required, e.g. --factory HNSW32");
        }
        FactoryVectorIndex.Metric metric =
                switch (args.option("metric", "ip")) {
                    case "ip" -> FactoryVectorIndex.Metric.INNER_PRODUCT;
                    case "l2" -> FactoryVectorIndex.Metric.L2;
                    default -> throw new UsageException(
                            "--metric must be ip or l2, got '" + args.option("metric", "") + "'");
                };
        int k = args.intOption("k", 10, 1, 10_000);
        SearchParams params = params(args.option("param", ""));
        VectorFiles.Floats base = VectorFiles.readFloats(basePath);
        VectorFiles.Floats queries = VectorFiles.readFloats(queryPath);
        System.err.printf(
                "base %,d x %d, queries %,d, index %s, metric %s, k %d%n",
                base.count(), base.dimension(), queries.count(), factory, metric, k);
        IndexEvaluation.Result result = IndexEvaluation.run(base, queries, factory, metric, k, params);
        System.out.printf("build: %.2f s%n", result.buildSeconds());
        System.out.printf(
                "QPS, batches of %,d queries: %.1f%n",
                Math.min(queries.count(), IndexEvaluation.Timing.DEFAULT.batchSize()), result.batchQps());
        System.out.printf("QPS, %,d single queries: %.1f%n", result.singleQueries(), result.singleQps());
        String gt = args.option("gt", null);
        if (gt != null) {
            double recall = IndexEvaluation.recall(result.ids(), VectorFiles.readIvecs(file(args, "gt")), k);
            System.out.printf("recall@%d: %.4f%n", k, recall);
        }
        String out = args.option("out", null);
        if (out != null) {
            VectorFiles.writeIvecs(Path.of(out), result.ids());
            System.out.println("wrote " + out);
        }
        return 0;
    }

    static SearchParams params(String spec) {
        try {
            return SearchParams.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--param: " + e.getMessage());
        }
    }

    private static Path file(Args args, String option) {
        String value = args.option(option, null);
        if (value == null) {
            throw new UsageException("--" + option + " is required");
        }
        Path path = Path.of(value);
        if (!Files.isRegularFile(path)) {
            throw new UsageException("no such file: " + path);
        }
        return path;
    }
}
