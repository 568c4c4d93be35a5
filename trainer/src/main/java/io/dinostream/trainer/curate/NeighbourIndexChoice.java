package io.dinostream.trainer.curate;

import io.dinostream.index.faiss.FactoryVectorIndex;
import io.dinostream.index.faiss.VectorIndexes;
import io.dinostream.index.vector.SearchParams;
import io.dinostream.index.vector.VectorIndex;
import io.dinostream.trainer.curate.vectors.VectorSource;

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

    /**
     * An index holding a source's rows under ids 0..n-1, trained on an evenly strided sample where it needs
     * training, filled chunk by chunk.
     */
    public static VectorIndex build(VectorSource vectors) {
        return build(vectors, factoryFor(vectors.size()));
    }

    /** {@link #build(VectorSource)} with a given FAISS factory string. */
    public static VectorIndex build(VectorSource vectors, String factory) {
        VectorIndex index = VectorIndexes.create(vectors.dimension(), factory, Integer.MAX_VALUE);
        try {
            if (!index.isTrained()) {
                index.train(vectors.sample(FactoryVectorIndex.MAX_TRAIN_SAMPLE));
            }
            for (int from = 0; from < vectors.size(); from += VectorSource.CHUNK) {
                int to = Math.min(vectors.size(), from + VectorSource.CHUNK);
                long[] ids = new long[to - from];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = from + i;
                }
                index.upsert(ids, vectors.read(from, to));
            }
            return index;
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
    }

    public static SearchParams searchParams() {
        return SearchParams.nprobe(NPROBE);
    }
}
