package io.dinostream.trainer.curate.copies;

import io.dinostream.index.vector.Neighbors;
import io.dinostream.index.vector.SearchParams;
import io.dinostream.index.vector.VectorIndex;
import io.dinostream.trainer.curate.CurationProgress;
import io.dinostream.trainer.curate.NeighbourIndexChoice;
import io.dinostream.trainer.curate.vectors.VectorSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Finds copies in two stages. Candidates: each query image's {@link Views#forVerification views} (the
 * image, its mirror and its crops) search a FAISS index of the indexed images' {@link CopyDescriptor descriptors}, and the
 * {@value #CANDIDATES} best-scoring distinct images are kept. Verification: a candidate is a copy of the
 * query when one of the query's {@link Views#forVerification verification views} correlates with the
 * candidate's thumbnail at {@code threshold} or more ({@link Ncc}), or the thumbnails are equal. The search
 * runs from the original's side: its crops find the cropped copy.
 */
public final class CopyFinder {
    /** Candidates verified per query image. */
    public static final int CANDIDATES = 8;

    private static final int QUERY_BATCH = 128;
    private static final int EXACT_LIMIT = 4096;
    private static final int NPROBE = 8;

    /**
     * Blur passes before verification: two make noisy and re-encoded copies correlate at 0.996 or more with
     * their originals (99% of them) while distinct look-alikes rarely do (docs/curation.md).
     */
    static final int VERIFICATION_BLUR = 2;

    private CopyFinder() {}

    /** Receives each verified pair: the query image and the indexed image that copies it. */
    @FunctionalInterface
    public interface PairSink {
        void copy(int query, int indexed);
    }

    /**
     * Verified copies of {@code queries}' images among {@code indexed}'s.
     *
     * @param sameSet the two sources are the same images (an image is then not its own copy)
     * @param threshold the correlation at or above which a candidate is a copy
     */
    public static void find(
            VectorSource indexed,
            VectorSource queries,
            boolean sameSet,
            float threshold,
            String step,
            CurationProgress progress,
            PairSink sink) {
        int n = queries.size();
        if (n == 0 || indexed.size() == 0) {
            return;
        }
        VectorSource descriptors = new DescriptorVectors(indexed);
        try (VectorIndex index = NeighbourIndexChoice.build(descriptors, factoryFor(descriptors.size()))) {
            for (int from = 0; from < n; from += QUERY_BATCH) {
                int to = Math.min(n, from + QUERY_BATCH);
                float[] pixels = queries.read(from, to);
                List<QueryViews> views = IntStream.range(0, to - from)
                        .parallel()
                        .mapToObj(q -> QueryViews.of(
                                Arrays.copyOfRange(pixels, q * Thumbnails.PIXELS, (q + 1) * Thumbnails.PIXELS)))
                        .toList();
                int[][] candidates = candidates(index, views, from, sameSet);
                Map<Integer, float[]> thumbnails = thumbnailsOf(indexed, candidates);
                List<int[]> copies = IntStream.range(0, to - from)
                        .parallel()
                        .mapToObj(q -> verified(views.get(q), candidates[q], thumbnails, threshold))
                        .toList();
                for (int q = 0; q < copies.size(); q++) {
                    for (int c : copies.get(q)) {
                        sink.copy(from + q, c);
                    }
                }
                progress.update(step, to, n);
            }
        }
    }

    /**
     * Exact search for small sets; above {@value #EXACT_LIMIT} descriptors an inverted file, searched with
     * {@value #NPROBE} lists: a copy's descriptor is nearly equal to one view's, so it falls in that view's
     * list, and every query image sends dozens of views.
     */
    static String factoryFor(int n) {
        return n <= EXACT_LIMIT ? "Flat" : "IVF" + Math.max(64, (int) Math.round(4 * Math.sqrt(n))) + ",Flat";
    }

    /** A query image's views: as thumbnails normalised for verification, and as descriptors for search. */
    private record QueryViews(float[] thumbnail, List<float[]> normalised, float[] descriptors) {
        static QueryViews of(float[] thumbnail) {
            List<float[]> views = Views.forVerification(thumbnail);
            float[] descriptors = new float[views.size() * CopyDescriptor.DIMENSION];
            for (int v = 0; v < views.size(); v++) {
                System.arraycopy(
                        CopyDescriptor.of(views.get(v)),
                        0,
                        descriptors,
                        v * CopyDescriptor.DIMENSION,
                        CopyDescriptor.DIMENSION);
            }
            return new QueryViews(
                    thumbnail, views.stream().map(CopyFinder::verificationForm).toList(), descriptors);
        }

        int count() {
            return normalised.size();
        }
    }

    /** Per query, the best {@value #CANDIDATES} distinct indexed images over all its views. */
    private static int[][] candidates(VectorIndex index, List<QueryViews> queries, int firstQuery, boolean sameSet) {
        int viewsPerQuery = queries.get(0).count();
        float[] descriptors = new float[queries.size() * viewsPerQuery * CopyDescriptor.DIMENSION];
        for (int q = 0; q < queries.size(); q++) {
            float[] d = queries.get(q).descriptors();
            System.arraycopy(d, 0, descriptors, q * d.length, d.length);
        }
        List<Neighbors> hits = index.search(descriptors, CANDIDATES + 1, SearchParams.nprobe(NPROBE));
        int[][] out = new int[queries.size()][];
        for (int q = 0; q < queries.size(); q++) {
            Map<Integer, Float> best = new HashMap<>();
            for (int v = 0; v < viewsPerQuery; v++) {
                Neighbors near = hits.get(q * viewsPerQuery + v);
                for (int r = 0; r < near.size(); r++) {
                    int id = (int) near.id(r);
                    if (!(sameSet && id == firstQuery + q)) {
                        best.merge(id, near.score(r), Math::max);
                    }
                }
            }
            out[q] = best.entrySet().stream()
                    .sorted((a, b) -> Float.compare(b.getValue(), a.getValue()))
                    .limit(CANDIDATES)
                    .mapToInt(Map.Entry::getKey)
                    .toArray();
        }
        return out;
    }

    private static Map<Integer, float[]> thumbnailsOf(VectorSource indexed, int[][] candidates) {
        int[] ids = Arrays.stream(candidates)
                .flatMapToInt(Arrays::stream)
                .distinct()
                .sorted()
                .toArray();
        Map<Integer, float[]> out = new HashMap<>();
        for (int id : ids) {
            out.put(id, indexed.read(id, id + 1));
        }
        return out;
    }

    /** What verification correlates: the thumbnail blurred ({@value #VERIFICATION_BLUR} passes), normalised. */
    static float[] verificationForm(float[] thumbnail) {
        return Ncc.normalised(Blur.of(thumbnail, VERIFICATION_BLUR));
    }

    private static int[] verified(
            QueryViews query, int[] candidates, Map<Integer, float[]> thumbnails, float threshold) {
        List<Integer> copies = new ArrayList<>();
        for (int c : candidates) {
            float[] candidate = thumbnails.get(c);
            if (Arrays.equals(query.thumbnail(), candidate)) {
                copies.add(c);
                continue;
            }
            float[] normalised = verificationForm(candidate);
            for (float[] view : query.normalised()) {
                if (Ncc.dot(view, normalised) >= threshold) {
                    copies.add(c);
                    break;
                }
            }
        }
        return copies.stream().mapToInt(Integer::intValue).toArray();
    }
}
