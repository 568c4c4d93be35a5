package io.dinostream.index.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.index.faiss.FactoryVectorIndex;
import io.dinostream.index.vector.SearchParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot {@link IndexEvaluation#run} writes, restored and timed by {@link IndexEvaluation#timeRestored}
 * as {@code bench index} does each round, answers every query exactly as the built index did.
 */
class IndexEvaluationTest {
    @Test
    void aRestoredSnapshotAnswersAsTheBuiltIndex(@TempDir Path dir) {
        Random random = new Random(7);
        VectorFiles.Floats base = random(random, 3_000, 24);
        VectorFiles.Floats queries = random(random, 50, 24);
        IndexEvaluation.Timing timing = new IndexEvaluation.Timing(0, 20);
        for (String factory : new String[] {"Flat", "HNSW16", "IVF16,PQ8x4"}) {
            Path snapshot = dir.resolve(factory.replace(',', '_') + ".snapshot");
            SearchParams params = SearchParams.parse(factory.startsWith("IVF") ? "nprobe=4" : "");
            IndexEvaluation.Result built = IndexEvaluation.run(
                    base,
                    queries,
                    factory,
                    FactoryVectorIndex.Metric.INNER_PRODUCT,
                    10,
                    params,
                    timing,
                    null,
                    snapshot);
            assertTrue(Files.isRegularFile(snapshot), factory);

            IndexEvaluation.Rates restored = IndexEvaluation.timeRestored(snapshot, queries, 10, params, timing);

            for (int q = 0; q < queries.count(); q++) {
                assertArrayEquals(built.ids()[q], restored.ids()[q], factory + " query " + q);
            }
            assertTrue(restored.batchQps() > 0 && restored.singleQps() > 0, factory);
        }
    }

    private static VectorFiles.Floats random(Random random, int n, int d) {
        float[] data = new float[n * d];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return new VectorFiles.Floats(n, d, data);
    }
}
