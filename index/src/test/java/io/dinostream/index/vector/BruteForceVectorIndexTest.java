package io.dinostream.index.vector;

/** The plain-Java oracle against the {@link VectorIndex} contract. */
class BruteForceVectorIndexTest extends VectorIndexConformanceTest {
    @Override
    protected VectorIndex create(int dimension) {
        return new BruteForceVectorIndex(dimension);
    }
}
