package io.dinostream.trainer.eval;

import ai.djl.ndarray.NDManager;
import io.dinostream.embedder.model.DinoVisionTransformer;
import io.dinostream.trainer.data.ImageDataset;

/**
 * The k-NN evaluation a training run makes after each epoch: the first {@code trainLimit} images of a
 * labelled set as the bank, the first {@code testLimit} of the test split as queries, DINO's k and T.
 */
public record KnnEvaluation(ImageDataset train, ImageDataset test, int trainLimit, int testLimit) {
    public double top1(DinoVisionTransformer backbone, NDManager manager) {
        Features bank = FeatureExtractor.backbone(backbone, manager, train, trainLimit);
        Features queries = FeatureExtractor.backbone(backbone, manager, test, testLimit);
        return KnnClassifier.top1(manager, bank, queries, KnnClassifier.DEFAULT_K, KnnClassifier.DEFAULT_TEMPERATURE);
    }

    /**
     * Whether the first {@code limit} images of a dataset all carry a label, so that they can be a k-NN
     * bank (an unlabelled pool, a directory of files, junk cannot).
     */
    public static boolean labelled(ImageDataset data, int limit) {
        for (int i = 0; i < Math.min(limit, data.size()); i++) {
            if (data.label(i) < 0) {
                return false;
            }
        }
        return data.size() > 0;
    }

    public String describe() {
        return "k-NN (k=" + KnnClassifier.DEFAULT_K + ", T=" + KnnClassifier.DEFAULT_TEMPERATURE + ") "
                + Math.min(trainLimit, train.size()) + " train -> " + Math.min(testLimit, test.size()) + " test images";
    }
}
