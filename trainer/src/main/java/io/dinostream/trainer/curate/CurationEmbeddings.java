package io.dinostream.trainer.curate;

import ai.djl.ndarray.NDManager;
import io.dinostream.embedder.image.RgbImage;
import io.dinostream.embedder.model.DinoVisionTransformer;
import io.dinostream.trainer.data.ImageDataset;
import io.dinostream.trainer.eval.FeatureExtractor;
import io.dinostream.trainer.eval.Features;

/**
 * The embeddings curation works on, from one backbone: the semantic embedding (the normalised CLS token,
 * as for k-NN) for retrieval and clustering, and the duplicate descriptor: the CLS tokens of the image and
 * of its mirror image, added and normalised, so that a mirrored copy has exactly the descriptor of its
 * original.
 */
public final class CurationEmbeddings {
    private CurationEmbeddings() {}

    public static float[][] semantic(DinoVisionTransformer backbone, NDManager manager, ImageDataset data) {
        return FeatureExtractor.backbone(backbone, manager, data, data.size()).vectors();
    }

    public static float[][] duplicateDescriptors(
            float[][] semantic, DinoVisionTransformer backbone, NDManager manager, ImageDataset data) {
        float[][] mirrored = FeatureExtractor.backbone(backbone, manager, new Mirrored(data), data.size())
                .vectors();
        float[][] out = new float[semantic.length][];
        for (int i = 0; i < out.length; i++) {
            float[] v = semantic[i].clone();
            for (int j = 0; j < v.length; j++) {
                v[j] += mirrored[i][j];
            }
            Features.normalise(v);
            out[i] = v;
        }
        return out;
    }

    /** A dataset seen in a mirror (left-right). */
    static final class Mirrored implements ImageDataset {
        private final ImageDataset data;

        Mirrored(ImageDataset data) {
            this.data = data;
        }

        @Override
        public int size() {
            return data.size();
        }

        @Override
        public RgbImage image(int index) {
            return io.dinostream.trainer.curate.pool.NearCopies.flip(data.image(index));
        }

        @Override
        public int label(int index) {
            return data.label(index);
        }

        @Override
        public String describe() {
            return "mirrored " + data.describe();
        }
    }
}
