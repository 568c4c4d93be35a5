package io.dinostream.index.eval;

import io.dinostream.index.faiss.FactoryVectorIndex;
import io.dinostream.index.faiss.VectorIndexes;
import io.dinostream.index.vector.Neighbors;
import io.dinostream.index.vector.SearchParams;
import io.dinostream.index.vector.VectorIndex;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds the index the index role would serve for a factory string ({@link VectorIndexes#create}: the
 * exact {@code FaissVectorIndex} for {@code Flat} with inner product, else a {@link FactoryVectorIndex})
 * from base vectors (ids are row numbers; an index that needs training is trained on the base, up to
 * {@value FactoryVectorIndex#MAX_TRAIN_SAMPLE} rows), searches
 * every query, and times both. The timing rules ({@link Timing}) are the ones the python3-faiss side of
 * {@code bench index} follows, so the two can be compared.
 */
public final class IndexEvaluation {
    /** The outcome: result ids per query (-1 padded to k), build seconds, batch and single-query QPS. */
    public record Result(int[][] ids, double buildSeconds, double batchQps, double singleQps, int singleQueries) {}

    /**
     * How searches are timed. Batch: every query, in batches of {@code batchSize}, in passes repeated
     * until {@code minSeconds} have passed (one pass at least). Single: one query per call, cycling through
     * the queries in order until {@code minSeconds} have passed and at least {@code min(queries, 10)} calls
     * were made. Both rates include the first (cold) call: at a million vectors one batch can take tens of
     * seconds, and a pass can't be discarded.
     */
    public record Timing(double minSeconds, int batchSize) {
        public Timing {
            if (!(minSeconds >= 0) || batchSize < 1) {
                throw new IllegalArgumentException(
                        "timing needs minSeconds >= 0 and batchSize >= 1, got " + minSeconds + ", " + batchSize);
            }
        }

        /** At least a second of each; batches of 1,000 queries. */
        public static final Timing DEFAULT = new Timing(1.0, 1_000);

        long minNanos() {
            return (long) (minSeconds * 1e9);
        }
    }

    private IndexEvaluation() {}

    public static Result run(
            VectorFiles.Floats base,
            VectorFiles.Floats queries,
            String factory,
            FactoryVectorIndex.Metric metric,
            int k,
            SearchParams params) {
        return run(base, queries, factory, metric, k, params, Timing.DEFAULT, null);
    }

    /**
     * As the short form, with the given timing; with a non-null {@code faissIndexFile}, the FAISS index is
     * written there after the searches (FAISS's own format), for another program to search the same index.
     */
    public static Result run(
            VectorFiles.Floats base,
            VectorFiles.Floats queries,
            String factory,
            FactoryVectorIndex.Metric metric,
            int k,
            SearchParams params,
            Timing timing,
            Path faissIndexFile) {
        return run(base, queries, factory, metric, k, params, timing, faissIndexFile, null);
    }

    /**
     * As above; with a non-null {@code snapshotFile}, the whole index is also written there as a snapshot
     * ({@link VectorIndex#writeSnapshot}) after the searches, for {@link #timeRestored} to time again later.
     */
    public static Result run(
            VectorFiles.Floats base,
            VectorFiles.Floats queries,
            String factory,
            FactoryVectorIndex.Metric metric,
            int k,
            SearchParams params,
            Timing timing,
            Path faissIndexFile,
            Path snapshotFile) {
        if (base.dimension() != queries.dimension()) {
            throw new IllegalArgumentException(
                    "base vectors have dimension " + base.dimension() + ", queries " + queries.dimension());
        }
        long[] ids = new long[base.count()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        try (VectorIndex index = VectorIndexes.create(base.dimension(), factory, metric, base.count())) {
            long start = System.nanoTime();
            index.upsert(ids, base.data());
            double build = (System.nanoTime() - start) / 1e9;
            Rates rates = time(index, queries, k, params, timing);
            if (faissIndexFile != null) {
                VectorIndexes.writeFaissIndex(index, faissIndexFile);
            }
            if (snapshotFile != null) {
                writeSnapshot(index, snapshotFile);
            }
            return new Result(rates.ids(), build, rates.batchQps(), rates.singleQps(), rates.singles());
        }
    }

    /**
     * Restores the index in {@code snapshotFile} (the index role's restore path) into fresh memory, times it
     * by the same rules as {@link #run}, and closes it. Another program reading a FAISS file allocates its
     * index afresh each time too, so repeated comparisons see new memory on both sides, not one long-lived
     * allocation on one side (docs/performance.md, session 19).
     *
     * @throws UncheckedIOException if the file can't be read or holds no snapshot
     */
    public static Rates timeRestored(
            Path snapshotFile, VectorFiles.Floats queries, int k, SearchParams params, Timing timing) {
        try (InputStream in = Files.newInputStream(snapshotFile);
                VectorIndex index = VectorIndexes.readSnapshot(in)) {
            return time(index, queries, k, params, timing);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore the index snapshot " + snapshotFile, e);
        }
    }

    private static void writeSnapshot(VectorIndex index, Path file) {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            index.writeSnapshot(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the index snapshot " + file, e);
        }
    }

    /** Batch and single-query rates of one timing, and the ids of the last pass over the batches. */
    public record Rates(double batchQps, double singleQps, int singles, int[][] ids) {}

    /**
     * Batch passes over every query until the minimum time has passed, then single queries cycling through
     * the queries until it has passed again and at least min(queries, 10) were searched.
     */
    private static Rates time(
            VectorIndex index, VectorFiles.Floats queries, int k, SearchParams params, Timing timing) {
        float[][] batches = split(queries, timing.batchSize());
        List<Neighbors> results = new ArrayList<>(queries.count());
        int passes = 0;
        long start = System.nanoTime();
        do {
            results.clear();
            for (float[] batch : batches) {
                results.addAll(index.search(batch, k, params));
            }
            passes++;
        } while (System.nanoTime() - start < timing.minNanos());
        double batchSeconds = (System.nanoTime() - start) / 1e9 / passes;

        float[][] singles = split(queries, 1);
        int minSingles = Math.min(queries.count(), 10);
        int single = 0;
        start = System.nanoTime();
        do {
            index.search(singles[single % singles.length], k, params);
            single++;
        } while (single < minSingles || System.nanoTime() - start < timing.minNanos());
        double singleSeconds = (System.nanoTime() - start) / 1e9;

        int[][] out = new int[queries.count()][k];
        for (int q = 0; q < queries.count(); q++) {
            Arrays.fill(out[q], -1);
            long[] found = results.get(q).ids();
            for (int j = 0; j < found.length; j++) {
                out[q][j] = (int) found[j];
            }
        }
        return new Rates(queries.count() / batchSeconds, single / singleSeconds, single, out);
    }

    /** The queries in consecutive groups of {@code size} rows (the last may be shorter). */
    private static float[][] split(VectorFiles.Floats queries, int size) {
        int d = queries.dimension();
        int groups = (queries.count() + size - 1) / size;
        float[][] out = new float[groups][];
        for (int g = 0; g < groups; g++) {
            int from = g * size;
            int to = Math.min(queries.count(), from + size);
            out[g] = Arrays.copyOfRange(queries.data(), from * d, to * d);
        }
        return out;
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
