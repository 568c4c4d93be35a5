package io.dinostream.trainer.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

/**
 * DINO's weighted k-NN classifier ({@code knn_classifier} in {@code eval_knn.py}): for each test vector,
 * the {@code k} training vectors of highest cosine similarity vote for their class with weight {@code
 * exp(similarity / T)}; the class with the largest total wins. DINO's defaults: k = 20, T = 0.07.
 */
public final class KnnClassifier {
    public static final int DEFAULT_K = 20;
    public static final double DEFAULT_TEMPERATURE = 0.07;
    private static final int CHUNK = 1000;

    private KnnClassifier() {}

    /** Top-1 accuracy in percent of {@code test} classified by {@code train}. */
    public static double top1(NDManager manager, Features train, Features test, int k, double temperature) {
        return accuracy(predict(manager, train, test, k, temperature), test.labels());
    }

    /** The share of {@code predicted} equal to {@code labels}, in percent. */
    public static double accuracy(int[] predicted, int[] labels) {
        int correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] == labels[i]) {
                correct++;
            }
        }
        return 100.0 * correct / labels.length;
    }

    /**
     * Top-1 accuracy in percent of each class of {@code labels} (index: class; NaN for a class with no
     * test image): where a model trained on imbalanced data shows its rare classes.
     */
    public static double[] perClassTop1(int[] predicted, int[] labels) {
        int classes = 0;
        for (int label : labels) {
            classes = Math.max(classes, label + 1);
        }
        int[] correct = new int[classes];
        int[] total = new int[classes];
        for (int i = 0; i < labels.length; i++) {
            total[labels[i]]++;
            if (predicted[i] == labels[i]) {
                correct[labels[i]]++;
            }
        }
        double[] accuracy = new double[classes];
        for (int c = 0; c < classes; c++) {
            accuracy[c] = total[c] == 0 ? Double.NaN : 100.0 * correct[c] / total[c];
        }
        return accuracy;
    }

    /** The class each vector of {@code test} gets from its {@code k} nearest of {@code train}. */
    public static int[] predict(NDManager manager, Features train, Features test, int k, double temperature) {
        int classes = 0;
        for (int label : train.labels()) {
            if (label < 0) {
                throw new IllegalArgumentException(
                        "the k-NN bank must be labelled images; it has an unlabelled one (label " + label + ")");
            }
            classes = Math.max(classes, label + 1);
        }
        int[] predicted = new int[test.size()];
        try (NDScope outer = new NDScope()) {
            NDArray bank = manager.create(flatten(train.vectors()), new Shape(train.size(), train.dim()))
                    .transpose();
            for (int start = 0; start < test.size(); start += CHUNK) {
                int count = Math.min(CHUNK, test.size() - start);
                float[][] rows = new float[count][];
                System.arraycopy(test.vectors(), start, rows, 0, count);
                float[] similarities;
                long[] indices;
                try (NDScope scope = new NDScope()) {
                    NDArray queries = manager.create(flatten(rows), new Shape(count, test.dim()));
                    NDList top = queries.matMul(bank).topK(Math.min(k, train.size()), 1, true, true);
                    similarities = top.get(0).toFloatArray();
                    indices = top.get(1).toLongArray();
                }
                int kk = similarities.length / count;
                for (int q = 0; q < count; q++) {
                    double[] votes = new double[classes];
                    for (int j = 0; j < kk; j++) {
                        int label = train.labels()[(int) indices[q * kk + j]];
                        votes[label] += Math.exp(similarities[q * kk + j] / temperature);
                    }
                    int best = 0;
                    for (int c = 1; c < classes; c++) {
                        if (votes[c] > votes[best]) {
                            best = c;
                        }
                    }
                    predicted[start + q] = best;
                }
            }
        }
        return predicted;
    }

    static float[] flatten(float[][] rows) {
        int d = rows.length == 0 ? 0 : rows[0].length;
        float[] out = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * d, d);
        }
        return out;
    }
}
