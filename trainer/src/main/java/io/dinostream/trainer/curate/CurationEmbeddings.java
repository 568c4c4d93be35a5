package io.dinostream.trainer.curate;

import ai.djl.ndarray.NDManager;
import io.dinostream.embedder.image.RgbImage;
import io.dinostream.embedder.model.DinoVisionTransformer;
import io.dinostream.trainer.curate.vectors.RocksVectorStore;
import io.dinostream.trainer.data.ImageDataset;
import io.dinostream.trainer.data.SubsetDataset;
import io.dinostream.trainer.eval.FeatureExtractor;
import io.dinostream.trainer.eval.Features;
import java.nio.file.Path;

/**
 * The embeddings curation works on, from one backbone: the semantic embedding (the normalised CLS token,
 * as for k-NN) for retrieval and clustering, and the duplicate descriptor: the CLS tokens of the image and
 * of its mirror image, added and normalised, so that a mirrored copy has exactly the descriptor of its
 * original.
 */
public final class CurationEmbeddings {
    /** Images embedded per chunk before the chunk goes to the stores. */
    static final int CHUNK = 4096;

    private CurationEmbeddings() {}

    /** A dataset's semantic embeddings and duplicate descriptors, in two on-disk stores of the same rows. */
    public record Stores(RocksVectorStore semantic, RocksVectorStore duplicates) implements AutoCloseable {
        @Override
        public void close() {
            try (RocksVectorStore s = semantic;
                    RocksVectorStore d = duplicates) {
                // both closed, even if the first close throws
            }
        }
    }

    /**
     * Embeds a dataset chunk by chunk into two new stores under {@code dir}, so that a large pool's
     * embeddings never sit on the heap together.
     */
    public static Stores embed(
            DinoVisionTransformer backbone, NDManager manager, ImageDataset data, Path dir, CurationProgress progress) {
        int dim = backbone.config().embedDim();
        RocksVectorStore semantic = RocksVectorStore.create(dir.resolve("semantic"), dim);
        RocksVectorStore duplicates;
        try {
            duplicates = RocksVectorStore.create(dir.resolve("duplicates"), dim);
        } catch (RuntimeException e) {
            semantic.close();
            throw e;
        }
        Stores stores = new Stores(semantic, duplicates);
        try {
            for (int from = 0; from < data.size(); from += CHUNK) {
                int to = Math.min(data.size(), from + CHUNK);
                int[] rows = new int[to - from];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = from + i;
                }
                ImageDataset chunk = new SubsetDataset(data, rows, "chunk");
                float[][] cls = semantic(backbone, manager, chunk);
                semantic.append(flatten(cls, dim));
                duplicates.append(flatten(duplicateDescriptors(cls, backbone, manager, chunk), dim));
                progress.update("embedding", to, data.size());
            }
            return stores;
        } catch (RuntimeException e) {
            stores.close();
            throw e;
        }
    }

    private static float[] flatten(float[][] rows, int dim) {
        float[] out = new float[rows.length * dim];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, out, r * dim, dim);
        }
        return out;
    }

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
