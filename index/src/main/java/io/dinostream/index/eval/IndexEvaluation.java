package io.dinostream.index.eval;

import io.dinostream.index.faiss.FactoryVectorIndex;
import io.dinostream.index.vector.Neighbors;
import io.dinostream.index.vector.SearchParams;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds a {@link FactoryVectorIndex} from base vectors (ids are row numbers; an index that needs
 * training is trained on the base, up to {@value FactoryVectorIndex#MAX_TRAIN_SAMPLE} rows), searches
 * every query, and times both. Search rates are averages over repeated runs of at least one second.
 */
public final class IndexEvaluation {
    /** The outcome: result ids per query (-1 padded to k), build seconds, batch and single-query QPS. */
    public record Result(int[][] ids, double buildSeconds, double batchQps, double singleQps, int singleQueries) {}

    private static final long MIN_TIMED_NANOS = 1_000_000_000L;

    private IndexEvaluation() {}

    public static Result run(
            VectorFiles.Floats base,
            VectorFiles.Floats queries,
            String factory,
            FactoryVectorIndex.Metric metric,
            int k,
            SearchParams params) {
        if (base.dimension() != queries.dimension()) {
            throw new IllegalArgumentException(
                    "base vectors have dimension " + base.dimension() + ", queries " + queries.dimension());
        }
        long[] ids = new long[base.count()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        try (FactoryVectorIndex index = new FactoryVectorIndex(base.dimension(), factory, metric, base.count())) {
            long start = System.nanoTime();
            index.upsert(ids, base.data());
            double build = (System.nanoTime() - start) / 1e9;

            // Searches are timed over at least a second (the first run included, three runs at least):
            // one batch of a few hundred queries takes milliseconds, too short to time once.
            List<Neighbors> results = null;
            int batches = 0;
            start = System.nanoTime();
            do {
                results = index.search(queries.data(), k, params);
                batches++;
            } while (batches < 3 || System.nanoTime() - start < MIN_TIMED_NANOS);
            double batchSeconds = (System.nanoTime() - start) / 1e9 / batches;

            int single = Math.min(queries.count(), 1000);
            int d = queries.dimension();
            float[][] singles = new float[single][d];
            for (int q = 0; q < single; q++) {
                System.arraycopy(queries.data(), q * d, singles[q], 0, d);
            }
            int singleRuns = 0;
            start = System.nanoTime();
            do {
                for (float[] one : singles) {
                    index.search(one, k, params);
                }
                singleRuns++;
            } while (singleRuns < 3 || System.nanoTime() - start < MIN_TIMED_NANOS);
            double singleSeconds = (System.nanoTime() - start) / 1e9 / singleRuns;

            int[][] out = new int[queries.count()][k];
            for (int q = 0; q < queries.count(); q++) {
                java.util.Arrays.fill(out[q], -1);
                long[] found = results.get(q).ids();
                for (int j = 0; j < found.length; j++) {
                    out[q][j] = (int) found[j];
                }
            }
            return new Result(out, build, queries.count() / batchSeconds, single / singleSeconds, single);
        }
    }

    /**
     * Recall@k: the fraction of each query's first {@code k} ground-truth ids found among its first
     * {@code k} results, averaged over queries.
     */
    public static double recall(int[][] results, int[][] groundTruth, int k) {
        if (results.length != groundTruth.length) {
            throw new IllegalArgumentException(
                    results.length + " result rows but " + groundTruth.length + " ground-truth rows");
        }
        long hits = 0;
        for (int q = 0; q < results.length; q++) {
            if (groundTruth[q].length < k) {
                throw new IllegalArgumentException(
                        "ground truth row " + q + " has " + groundTruth[q].length + " ids, fewer than k = " + k);
            }
            Set<Integer> truth = new HashSet<>();
            for (int j = 0; j < k; j++) {
                truth.add(groundTruth[q][j]);
            }
            for (int j = 0; j < Math.min(k, results[q].length); j++) {
                if (truth.contains(results[q][j])) {
                    hits++;
                }
            }
        }
        return hits / (double) (results.length * (long) k);
    }
}
