package io.dinostream.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.dinostream.trainer.data.FashionMnistImages;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EvaluationTest {
    /** The engine's top-k k-NN agrees with a plain Java brute force of DINO's weighted vote, query by query. */
    @Test
    void knnMatchesBruteForce() {
        Random random = new Random(11);
        Features train = randomFeatures(random, 300, 8, 5);
        Features test = randomFeatures(random, 120, 8, 5);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            for (int k : new int[] {1, 5, 20}) {
                double expected = bruteForce(train, test, k, 0.07);
                assertEquals(expected, KnnClassifier.top1(manager, train, test, k, 0.07), 1e-9, "k=" + k);
            }
        }
    }

    /** Per-class accuracy counts each class on its own; the overall accuracy weighs every image once. */
    @Test
    void perClassAccuracyCountsEachClassOnItsOwn() {
        int[] labels = {0, 0, 0, 0, 1, 1, 2};
        int[] predicted = {0, 0, 1, 0, 1, 0, 2};
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                new double[] {75, 50, 100}, KnnClassifier.perClassTop1(predicted, labels), 1e-9);
        assertEquals(100.0 * 5 / 7, KnnClassifier.accuracy(predicted, labels), 1e-9);
    }

    @Test
    void anUnlabelledBankIsRefusedWithAReasonNotAnIndexError() {
        Random random = new Random(3);
        Features train = randomFeatures(random, 50, 8, 3);
        train.labels()[17] = -1;
        Features test = randomFeatures(random, 10, 8, 3);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> KnnClassifier.top1(manager, train, test, 5, 0.07));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("labelled"), e.getMessage());
        }
    }

    /**
     * The raw-pixel baseline on Fashion-MNIST (5k train -> 500 test here; 84.6% on the full splits): far
     * above chance, and the brute force agrees.
     */
    @Test
    void pixelBaselineOnFashionMnist() throws Exception {
        Features train = FeatureExtractor.pixels(FashionMnistImages.load("train"), 5_000);
        Features test = FeatureExtractor.pixels(FashionMnistImages.load("test"), 500);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            double top1 = KnnClassifier.top1(manager, train, test, 20, 0.07);
            assertTrue(top1 > 75 && top1 < 90, "pixel k-NN " + top1);
            assertEquals(bruteForce(train, test, 20, 0.07), top1, 1e-9);
        }
    }

    /** Linearly separable classes are learnt by the probe; unseparable labels are not. */
    @Test
    void linearProbeLearnsSeparableClasses() {
        Random random = new Random(5);
        Features train = randomFeatures(random, 2000, 16, 4);
        Features test = randomFeatures(random, 500, 16, 4);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            LinearProbe.Result r = LinearProbe.train(manager, train, test, 30, 0);
            assertTrue(r.testTop1() > 95, "separable: " + r);
            int[] shuffled = train.labels().clone();
            for (int i = 0; i < shuffled.length; i++) {
                shuffled[i] = random.nextInt(4);
            }
            LinearProbe.Result noise = LinearProbe.train(manager, new Features(train.vectors(), shuffled), test, 30, 0);
            assertTrue(noise.testTop1() < 40, "random labels: " + noise);
        }
    }

    /** Points around one random centre per class, normalised. */
    static Features randomFeatures(Random random, int n, int dim, int classes) {
        Random centres = new Random(99);
        float[][] c = new float[classes][dim];
        for (float[] row : c) {
            for (int j = 0; j < dim; j++) {
                row[j] = (float) centres.nextGaussian();
            }
        }
        float[][] vectors = new float[n][dim];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(classes);
            for (int j = 0; j < dim; j++) {
                vectors[i][j] = c[labels[i]][j] + (float) (0.6 * random.nextGaussian());
            }
            Features.normalise(vectors[i]);
        }
        return new Features(vectors, labels);
    }

    static double bruteForce(Features train, Features test, int k, double t) {
        int correct = 0;
        for (int q = 0; q < test.size(); q++) {
            double[] sims = new double[train.size()];
            for (int i = 0; i < train.size(); i++) {
                double dot = 0;
                for (int j = 0; j < train.dim(); j++) {
                    dot += (double) test.vectors()[q][j] * train.vectors()[i][j];
                }
                sims[i] = dot;
            }
            double[] votes = new double[10];
            boolean[] taken = new boolean[train.size()];
            for (int j = 0; j < k; j++) {
                int best = -1;
                for (int i = 0; i < train.size(); i++) {
                    if (!taken[i] && (best < 0 || sims[i] > sims[best])) {
                        best = i;
                    }
                }
                taken[best] = true;
                votes[train.labels()[best]] += Math.exp(sims[best] / t);
            }
            int best = 0;
            for (int c = 1; c < votes.length; c++) {
                if (votes[c] > votes[best]) {
                    best = c;
                }
            }
            if (best == test.labels()[q]) {
                correct++;
            }
        }
        return 100.0 * correct / test.size();
    }
}
