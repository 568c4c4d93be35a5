package io.dinostream.index.faiss;

import io.dinostream.index.vector.VectorIndex;
import io.dinostream.index.vector.VectorIndexConformanceTest;
import org.junit.jupiter.api.Nested;

/**
 * The conformance suite against factory indexes: untrained (exact stand-in), trained IVF with a single
 * list (exact, so the suite's exact expectations hold) and HNSW (exact at the suite's tiny sizes).
 */
class FactoryVectorIndexTest {
    @Nested
    class BeforeTraining extends VectorIndexConformanceTest {
        @Override
        protected VectorIndex create(int dimension) {
            return new FactoryVectorIndex(dimension, "IVF4,Flat", FactoryVectorIndex.Metric.INNER_PRODUCT, 1_000_000);
        }
    }

    @Nested
    class TrainedIvf extends VectorIndexConformanceTest {
        @Override
        protected VectorIndex create(int dimension) {
            return new FactoryVectorIndex(dimension, "IVF1,Flat", FactoryVectorIndex.Metric.INNER_PRODUCT, 1);
        }
    }

    @Nested
    class Hnsw extends VectorIndexConformanceTest {
        @Override
        protected VectorIndex create(int dimension) {
            return new FactoryVectorIndex(dimension, "HNSW32", FactoryVectorIndex.Metric.INNER_PRODUCT, 1);
        }
    }
}
