package io.dinostream.index.faiss;

import io.dinostream.index.faiss.binding.global.Faiss;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;

/**
 * One query over a large flat index, scanned at memory speed. FAISS 1.7.3 scans a single query on one
 * thread (it parallelises over queries) with Debian's scalar kernel (FAISS is built for baseline x86-64):
 * about 3 GB/s, a fraction of a memory copy. Here each thread scans a contiguous range of the stored
 * vectors with {@code dinostream::inner_product_top_k} (BLAS sgemv scores, whose SIMD kernel OpenBLAS
 * picks at run time, into FAISS's heap), and the ranges' best k are merged. The answer is exact; scores
 * may differ from FAISS's in the last bits, since the sums run in another order.
 */
final class SplitFlatScan {
    /** Below this many vectors per thread a query takes well under a millisecond: not worth a hand-off. */
    static final long MIN_VECTORS_PER_PART = 65_536;

    /**
     * Scans of ranges after the first: daemon threads, at most one per core, idle ones ending after a
     * minute. When all are busy (concurrent queries), the calling thread scans the range itself: under
     * load a split adds no throughput, so it must not add threads either.
     */
    private static final ExecutorService PARTS = new ThreadPoolExecutor(
            0,
            Runtime.getRuntime().availableProcessors(),
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            task -> {
                Thread thread = new Thread(task, "faiss-flat-scan");
                thread.setDaemon(true);
                return thread;
            },
            new ThreadPoolExecutor.CallerRunsPolicy());

    private SplitFlatScan() {}

    /**
     * Ranges to split a scan of {@code stored} vectors into with {@code threads} threads, each of at least
     * {@code minPerPart} vectors (1: no split).
     */
    static int parts(long stored, int threads, long minPerPart) {
        return (int) Math.max(1, Math.min(threads, stored / minPerPart));
    }

    /**
     * The best {@code k} rows by inner product with {@code query} among rows {@code [0, stored)} of
     * {@code vectors}, best first, in {@code parts} ranges. Fills {@code scores} and {@code rows} (length
     * {@code k}; rows -1 where fewer than k are stored) and returns how many were found.
     */
    static int search(
            FloatPointer vectors,
            long stored,
            int dimension,
            float[] query,
            int k,
            int parts,
            float[] scores,
            long[] rows) {
        long per = (stored + parts - 1) / parts;
        List<Future<Range>> later = new ArrayList<>(parts - 1);
        for (int p = 1; p < parts; p++) {
            long from = p * per;
            long count = Math.min(per, stored - from);
            later.add(PARTS.submit(() -> scan(vectors, from, count, dimension, query, k)));
        }
        List<Range> ranges = new ArrayList<>(parts);
        ranges.add(scan(vectors, 0, Math.min(per, stored), dimension, query, k));
        for (Future<Range> range : later) {
            ranges.add(await(range));
        }
        return merge(ranges, k, scores, rows);
    }

    /** One range's best k: scores and absolute row numbers, best first (-1 rows past the end). */
    private record Range(float[] scores, long[] rows) {}

    private static Range scan(FloatPointer vectors, long from, long count, int dimension, float[] query, int k) {
        float[] scores = new float[k];
        long[] rows = new long[k];
        try (FloatPointer q = new FloatPointer(query);
                FloatPointer distances = new FloatPointer(k);
                LongPointer labels = new LongPointer(k)) {
            FloatPointer range = vectors.getPointer(from * dimension); // a view: owns nothing
            Faiss.inner_product_top_k(q, range, dimension, count, k, distances, labels);
            distances.get(scores);
            labels.get(rows);
        }
        for (int i = 0; i < k; i++) {
            rows[i] = rows[i] < 0 ? -1 : rows[i] + from;
        }
        return new Range(scores, rows);
    }

    /** k-way merge of best-first lists: the best k overall, earlier ranges first among equal scores. */
    private static int merge(List<Range> ranges, int k, float[] scores, long[] rows) {
        int[] next = new int[ranges.size()];
        int found = 0;
        while (found < k) {
            int best = -1;
            for (int r = 0; r < ranges.size(); r++) {
                Range range = ranges.get(r);
                if (next[r] < k
                        && range.rows()[next[r]] >= 0
                        && (best < 0
                                || range.scores()[next[r]] > ranges.get(best).scores()[next[best]])) {
                    best = r;
                }
            }
            if (best < 0) {
                break;
            }
            scores[found] = ranges.get(best).scores()[next[best]];
            rows[found] = ranges.get(best).rows()[next[best]];
            next[best]++;
            found++;
        }
        for (int i = found; i < k; i++) {
            rows[i] = -1;
        }
        return found;
    }

    private static Range await(Future<Range> range) {
        try {
            return range.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scanning the flat index", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime
                    ? runtime
                    : new IllegalStateException("flat index scan failed", e.getCause());
        }
    }
}
