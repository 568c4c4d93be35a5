package io.dinostream.trainer.curate;

import ai.djl.ndarray.NDManager;
import io.dinostream.embedder.model.DinoVisionTransformer;
import io.dinostream.trainer.curate.copies.Thumbnails;
import io.dinostream.trainer.curate.vectors.RocksVectorStore;
import io.dinostream.trainer.data.ImageDataset;
import io.dinostream.trainer.data.SubsetDataset;
import io.dinostream.trainer.eval.FeatureExtractor;
import java.nio.file.Path;

/**
 * What curation works on, computed in one pass over a pool: the semantic embedding (the normalised CLS
 * token, as for k-NN) for retrieval, clustering and embedding-based deduplication, and the pixel
 * {@link Thumbnails} that copy detection compares.
 */
public final class CurationEmbeddings {
    /** Images embedded per chunk before the chunk goes to the stores. */
    static final int CHUNK = 4096;

    private CurationEmbeddings() {}

    /** A dataset's semantic embeddings and thumbnails, in two on-disk stores of the same rows. */
    public record Stores(RocksVectorStore semantic, RocksVectorStore thumbnails) implements AutoCloseable {
        @Override
        public void close() {
            try (RocksVectorStore s = semantic;
                    RocksVectorStore t = thumbnails) {
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
        RocksVectorStore thumbnails;
        try {
            thumbnails = RocksVectorStore.create(dir.resolve("thumbnails"), Thumbnails.PIXELS);
        } catch (RuntimeException e) {
            semantic.close();
            throw e;
        }
        Stores stores = new Stores(semantic, thumbnails);
        try {
            for (int from = 0; from < data.size(); from += CHUNK) {
                int to = Math.min(data.size(), from + CHUNK);
                int[] rows = new int[to - from];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = from + i;
                }
                ImageDataset chunk = new SubsetDataset(data, rows, "chunk");
                semantic.append(flatten(semantic(backbone, manager, chunk), dim));
                thumbnails.append(flatten(thumbnails(chunk), Thumbnails.PIXELS));
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

    public static float[][] thumbnails(ImageDataset data) {
        float[][] out = new float[data.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = Thumbnails.of(data.image(i));
        }
        return out;
    }
}
