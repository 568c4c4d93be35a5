package io.dinostream.index.faiss;

import io.dinostream.index.vector.VectorIndex;
import io.dinostream.index.vector.VectorIndexConformanceTest;

/** FAISS (IndexIDMap2 over IndexFlatIP) against the {@link VectorIndex} contract. */
class FaissVectorIndexTest extends VectorIndexConformanceTest {
    @Override
    protected VectorIndex create(int dimension) {
        return new FaissVectorIndex(dimension);
    }
}
