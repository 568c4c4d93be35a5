package io.dinostream.trainer.curate;

import io.dinostream.index.faiss.FactoryVectorIndex;
import io.dinostream.index.faiss.VectorIndexes;
import io.dinostream.index.vector.SearchParams;
import io.dinostream.index.vector.VectorIndex;

/**
 * The FAISS index behind curation's neighbour searches: exact ({@code Flat}) up to {@link #EXACT_LIMIT}
 * vectors, an inverted file ({@code IVF{4 sqrt n},Flat}, searched with {@link #NPROBE} lists) above, where an
 * exact scan of every pair would be quadratic.
 */
public final class NeighbourIndexChoice {
    public static final int EXACT_LIMIT = 50_000;
    public static final int NPROBE = 16;

    private NeighbourIndexChoice() {}

    /** The factory string for {@code n} vectors. */
    public static String factoryFor(long n) {
        if (n <= EXACT_LIMIT) {
            return "Flat";
        }
        return "IVF" + Math.max(64, (int) Math.round(4 * Math.sqrt(n))) + ",Flat";
    }

    /** An index holding {@code vectors} under ids 0..n-1, trained on them where it needs training. */
    public static VectorIndex build(float[][] vectors, int dimension) {
        VectorIndex index = VectorIndexes.create(dimension, factoryFor(vectors.length), Integer.MAX_VALUE);
        try {
            float[] flat = flatten(vectors, 0, vectors.length, dimension);
            if (!index.isTrained()) {
                index.train(trainingSample(vectors, dimension));
            }
            long[] ids = new long[vectors.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = i;
            }
            index.upsert(ids, flat);
            return index;
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
    }

    public static SearchParams searchParams() {
        return SearchParams.nprobe(NPROBE);
    }

    /** At most {@link FactoryVectorIndex#MAX_TRAIN_SAMPLE} vectors, evenly strided over the pool. */
    static float[] trainingSample(float[][] vectors, int dimension) {
        int sample = Math.min(vectors.length, FactoryVectorIndex.MAX_TRAIN_SAMPLE);
        float[] flat = new float[sample * dimension];
        for (int s = 0; s < sample; s++) {
            System.arraycopy(vectors[(int) ((long) s * vectors.length / sample)], 0, flat, s * dimension, dimension);
        }
        return flat;
    }

    static float[] flatten(float[][] vectors, int from, int to, int dimension) {
        float[] flat = new float[(to - from) * dimension];
        for (int i = from; i < to; i++) {
            if (vectors[i].length != dimension) {
                throw new IllegalArgumentException(
                        "vector " + i + " has " + vectors[i].length + " dimensions, expected " + dimension);
            }
            System.arraycopy(vectors[i], 0, flat, (i - from) * dimension, dimension);
        }
        return flat;
    }
}
