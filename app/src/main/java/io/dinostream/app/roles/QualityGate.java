package io.dinostream.app.roles;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.embedder.EmbedOutcome;
import io.dinostream.embedder.ImageEmbedder;
import io.dinostream.ingest.FashionMnist;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The optional check before a swap flips: retrieval precision on a labelled probe set, the candidate
 * model against the serving one. Each model embeds the probe images; for each image, the share of its
 * {@value #K} nearest other probe images (cosine) with its label is its precision; the mean over the
 * probe set is the model's. The candidate passes when it is no worse than the serving model by more
 * than the tolerance. Off when {@code model.swap.gate.probe} is empty.
 */
public final class QualityGate {
    static final int K = 10;
    private static final int BATCH = 64;

    private final List<byte[]> images;
    private final int[] labels;
    private final double tolerance;

    private QualityGate(List<byte[]> images, int[] labels, double tolerance) {
        this.images = images;
        this.labels = labels;
        this.tolerance = tolerance;
    }

    /** The verdict, with both precisions for the operator. */
    public record Verdict(boolean passed, double candidate, double serving, double tolerance) {
        public String describe() {
            return String.format(
                    Locale.ROOT,
                    "quality gate %s: precision@%d %.4f against the serving model's %.4f (tolerance %.4f)",
                    passed ? "passed" : "FAILED",
                    K,
                    candidate,
                    serving,
                    tolerance);
        }
    }

    /** The gate the configuration asks for, or null when it is off. */
    public static QualityGate fromConfig(DinostreamConfig config) throws IOException {
        String probe = config.getString(DinostreamConfig.MODEL_SWAP_GATE_PROBE);
        if (probe.isBlank()) {
            return null;
        }
        if (!probe.startsWith("fashion-mnist:")) {
            throw new IllegalArgumentException(
                    "model.swap.gate.probe must be fashion-mnist:train or fashion-mnist:test, got " + probe);
        }
        FashionMnist data = FashionMnist.load(FashionMnist.DEFAULT_DIR, probe.substring("fashion-mnist:".length()));
        int n = Math.min(data.size(), config.getInt(DinostreamConfig.MODEL_SWAP_GATE_SIZE));
        List<byte[]> images = new ArrayList<>(n);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            images.add(data.png(i));
            labels[i] = data.label(i);
        }
        return new QualityGate(images, labels, config.getDouble(DinostreamConfig.MODEL_SWAP_GATE_TOLERANCE));
    }

    public Verdict judge(ImageEmbedder candidate, ImageEmbedder serving) {
        double c = precision(candidate);
        double s = precision(serving);
        return new Verdict(c >= s - tolerance, c, s, tolerance);
    }

    /** Mean leave-one-out precision@K of a model's embeddings of the probe set. */
    double precision(ImageEmbedder model) {
        float[][] vectors = new float[images.size()][];
        for (int from = 0; from < images.size(); from += BATCH) {
            List<EmbedOutcome> outcomes = model.embed(images.subList(from, Math.min(images.size(), from + BATCH)));
            for (int j = 0; j < outcomes.size(); j++) {
                if (!outcomes.get(j).ok()) {
                    throw new IllegalStateException("probe image " + (from + j) + " did not embed: "
                            + outcomes.get(j).error());
                }
                vectors[from + j] = outcomes.get(j).vector();
            }
        }
        double total = 0;
        for (int q = 0; q < vectors.length; q++) {
            total += precisionOf(vectors, q);
        }
        return total / vectors.length;
    }

    private double precisionOf(float[][] vectors, int q) {
        int k = Math.min(K, vectors.length - 1);
        int[] best = new int[k];
        double[] scores = new double[k];
        java.util.Arrays.fill(scores, Double.NEGATIVE_INFINITY);
        for (int j = 0; j < vectors.length; j++) {
            if (j == q) {
                continue;
            }
            double s = 0;
            for (int d = 0; d < vectors[q].length; d++) {
                s += vectors[q][d] * vectors[j][d];
            }
            if (s > scores[k - 1]) { // insertion into the sorted top-k
                int at = k - 1;
                while (at > 0 && scores[at - 1] < s) {
                    scores[at] = scores[at - 1];
                    best[at] = best[at - 1];
                    at--;
                }
                scores[at] = s;
                best[at] = j;
            }
        }
        int same = 0;
        for (int j : best) {
            same += labels[j] == labels[q] ? 1 : 0;
        }
        return same / (double) k;
    }
}
