package io.dinostream.index.faiss;

import io.dinostream.index.faiss.binding.FaissIndex;
import io.dinostream.index.faiss.binding.RangeSearchResult;
import io.dinostream.index.faiss.binding.global.Faiss;
import io.dinostream.index.vector.Neighbors;
import io.dinostream.index.vector.SearchParams;
import io.dinostream.index.vector.VectorIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * FAISS's {@code range_search}, turned into {@link Neighbors} with our score convention (higher is
 * better) and FAISS labels mapped to ids. The native result is freed before returning.
 */
final class FaissRangeSearch {
    /** Maps a FAISS label to the caller's id, or {@link VectorIndex#NO_ID} to drop it (a stale label). */
    @FunctionalInterface
    interface Labels {
        long idOf(long label);
    }

    private FaissRangeSearch() {}

    /**
     * @param l2 whether the index measures squared L2 distance (scores are its negation) rather than
     *     inner product
     */
    static List<Neighbors> run(
            FaissIndex index, float[] queries, int n, float threshold, boolean l2, SearchParams params, Labels labels) {
        float radius = l2 ? -threshold : threshold;
        long[] lims = new long[n + 1];
        long[] found;
        float[] distances;
        RangeSearchResult result;
        try (FloatPointer x = new FloatPointer(queries)) {
            result = Faiss.range_search_with_params(index, n, x, radius, params.nprobe(), params.efSearch());
        }
        try {
            SizeTPointer limits = Faiss.range_result_lims(result);
            for (int i = 0; i <= n; i++) {
                lims[i] = limits.get(i);
            }
            if (lims[n] > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("range search found " + lims[n] + " results, more than an array holds");
            }
            found = new long[(int) lims[n]];
            distances = new float[found.length];
            if (found.length > 0) {
                LongPointer labelPointer = Faiss.range_result_labels(result);
                labelPointer.get(found);
                FloatPointer distancePointer = Faiss.range_result_distances(result);
                distancePointer.get(distances);
            }
        } finally {
            Faiss.delete_range_result(result);
        }
        List<Neighbors> out = new ArrayList<>(n);
        for (int q = 0; q < n; q++) {
            int from = (int) lims[q];
            int to = (int) lims[q + 1];
            long[] ids = new long[to - from];
            float[] scores = new float[to - from];
            int count = 0;
            for (int j = from; j < to; j++) {
                long id = labels.idOf(found[j]);
                if (id == VectorIndex.NO_ID) {
                    continue;
                }
                ids[count] = id;
                scores[count] = l2 ? -distances[j] : distances[j];
                count++;
            }
            out.add(sorted(Arrays.copyOf(ids, count), Arrays.copyOf(scores, count)));
        }
        return out;
    }

    /** Best first: FAISS returns range results in storage order. */
    static Neighbors sorted(long[] ids, float[] scores) {
        Integer[] order = new Integer[ids.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
        long[] sortedIds = new long[ids.length];
        float[] sortedScores = new float[ids.length];
        for (int i = 0; i < order.length; i++) {
            sortedIds[i] = ids[order[i]];
            sortedScores[i] = scores[order[i]];
        }
        return new Neighbors(sortedIds, sortedScores);
    }
}
