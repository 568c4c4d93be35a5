package io.dinostream.index.faiss;

import io.dinostream.index.vector.VectorIndex;

/** Builds the configured {@link VectorIndex} of the index role. */
public final class VectorIndexes {
    private VectorIndexes() {}

    /**
     * {@code Flat} is the exact {@link FaissVectorIndex} (IDMap2 over IndexFlatIP); any other factory
     * string is a {@link FactoryVectorIndex} with inner product, trained after {@code trainSize} vectors.
     *
     * @throws IllegalArgumentException if FAISS does not understand the factory string for this dimension
     */
    public static VectorIndex create(int dimension, String faissFactory, int trainSize) {
        String factory = faissFactory.trim();
        if (factory.equals("Flat")) {
            return new FaissVectorIndex(dimension);
        }
        return new FactoryVectorIndex(dimension, factory, FactoryVectorIndex.Metric.INNER_PRODUCT, trainSize);
    }
}
