package io.dinostream.trainer.curate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.trainer.curate.vectors.RocksVectorStore;
import io.dinostream.trainer.curate.vectors.VectorSource;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline on seeded synthetic embeddings with known structure: 8 tight concepts of very unequal size,
 * injected near-duplicates, a protected set, through our FAISS binding.
 */
class CurationTest {
    private static final int DIM = 16;
    private static final int[] CONCEPT_SIZES = {2000, 1000, 500, 250, 120, 60, 30, 40};

    private final Random random = new Random(21);
    private final float[][] centres = new float[CONCEPT_SIZES.length][];
    private int[] concept;
    private int[] copyOf;
    private float[][] pool;

    private void buildPool() {
        for (int c = 0; c < centres.length; c++) {
            centres[c] = unit(random, null, 0);
        }
        int originals = Arrays.stream(CONCEPT_SIZES).sum();
        int copies = 300;
        pool = new float[originals + copies][];
        concept = new int[pool.length];
        copyOf = new int[pool.length];
        Arrays.fill(copyOf, -1);
        int i = 0;
        for (int c = 0; c < CONCEPT_SIZES.length; c++) {
            for (int j = 0; j < CONCEPT_SIZES[c]; j++, i++) {
                pool[i] = unit(random, centres[c], 0.1f);
                concept[i] = c;
            }
        }
        for (int j = 0; j < copies; j++, i++) {
            int original = random.nextInt(originals);
            pool[i] = unit(random, pool[original], 0.01f);
            concept[i] = concept[original];
            copyOf[i] = original;
        }
    }

    @Test
    void dropsCopiesAndDuplicatesThenBalancesTheConcepts() {
        buildPool();
        float[][] protectedSet = {pool[5].clone(), pool[2500].clone()};
        Curation.Options options =
                new Curation.Options(0.99f, 0.99f, Curation.Retrieval.AUTO, 4, 100, true, new int[] {8}, 800, 3);
        Curation.Result result = Curation.run(
                new Curation.Input(
                        new DuplicateEvidence.Embeddings(VectorSource.of(pool), VectorSource.of(protectedSet)),
                        VectorSource.of(pool),
                        null),
                options,
                CurationProgress.NONE);
        Map<CurationStep, Integer> counts = result.counts();
        assertEquals(
                pool.length,
                counts.values().stream().mapToInt(Integer::intValue).sum());
        assertEquals(800, counts.get(CurationStep.KEPT));
        assertTrue(counts.get(CurationStep.EVAL_COPY) >= 2, "the protected images and their copies");
        assertEquals(CurationStep.EVAL_COPY, result.steps()[5]);
        assertEquals(CurationStep.EVAL_COPY, result.steps()[2500]);
        // Every injected copy whose original survived is gone; originals are kept over their copies.
        for (int i = 0; i < pool.length; i++) {
            if (copyOf[i] >= 0 && result.steps()[copyOf[i]] != CurationStep.EVAL_COPY) {
                assertTrue(
                        result.steps()[i] == CurationStep.DUPLICATE || result.steps()[i] == CurationStep.EVAL_COPY,
                        "copy " + i + " of " + copyOf[i] + ": " + result.steps()[i]);
            }
        }
        int duplicates = counts.get(CurationStep.DUPLICATE);
        assertTrue(duplicates >= 290 && duplicates <= 320, "duplicates removed: " + duplicates);
        // Balanced: the kept images spread over concepts far more evenly than the pool does.
        double before = entropy(countConcepts(i -> true));
        double after = entropy(countConcepts(i -> result.steps()[i] == CurationStep.KEPT));
        // k-means with FAISS's random initialisation does not find the concepts exactly (a large concept
        // takes several clusters, small ones share one), so the concepts are only partly balanced: the
        // largest falls from half of the pool to at most 40% of what is kept. The clusters themselves are
        // balanced exactly: every cluster larger than the water level gives the same number.
        int[] kept = countConcepts(i -> result.steps()[i] == CurationStep.KEPT);
        assertTrue(after > before + 0.25, "concept entropy " + before + " -> " + after + " " + Arrays.toString(kept));
        assertTrue(Arrays.stream(kept).max().orElseThrow() <= 0.4 * 800, Arrays.toString(kept));
        int level = Arrays.stream(result.clusterSizesAfter()).max().orElseThrow();
        for (int c = 0; c < 8; c++) {
            int got = result.clusterSizesAfter()[c];
            assertTrue(
                    got == result.clusterSizesBefore()[c] || got >= level - 1,
                    "cluster " + c + " gave " + got + " of " + result.clusterSizesBefore()[c] + ", level " + level);
        }
        assertEquals(Arrays.stream(result.clusterSizesAfter()).sum(), 800);
        assertEquals(8, result.clusterSizesBefore().length);
    }

    @Test
    void seedsRetrieveTheirNeighbourhoodOnly() {
        buildPool();
        float[][] seeds = new float[40][];
        for (int s = 0; s < seeds.length; s++) {
            seeds[s] = unit(random, centres[6], 0.1f); // 40 seeds from concept 6 (30 images + copies)
        }
        Curation.Options nearest =
                new Curation.Options(Float.NaN, Float.NaN, Curation.Retrieval.NEAREST, 4, 0, false, new int[0], 0, 1);
        Curation.Result result = Curation.run(
                new Curation.Input(
                        new DuplicateEvidence.Embeddings(VectorSource.of(pool), null),
                        VectorSource.of(pool),
                        VectorSource.of(seeds)),
                nearest,
                CurationProgress.NONE);
        for (int i = 0; i < pool.length; i++) {
            if (result.steps()[i] == CurationStep.KEPT) {
                assertEquals(6, concept[i], "image " + i + " retrieved by a concept-6 seed");
            }
        }
        assertTrue(result.counts().get(CurationStep.KEPT) >= 20);

        Curation.Options byCluster = new Curation.Options(
                Float.NaN, Float.NaN, Curation.Retrieval.CLUSTER, 0, 25, false, new int[] {8}, 0, 1);
        Curation.Result clustered = Curation.run(
                new Curation.Input(
                        new DuplicateEvidence.Embeddings(VectorSource.of(pool), null),
                        VectorSource.of(pool),
                        VectorSource.of(seeds)),
                byCluster,
                CurationProgress.NONE);
        int kept = clustered.counts().get(CurationStep.KEPT);
        assertTrue(kept >= 25, "at least one cluster's sample: " + kept);
    }

    @Test
    void manifestRoundTrips(@TempDir Path dir) throws Exception {
        CurationManifest manifest = new CurationManifest(
                "dir:/data/pool",
                java.util.List.of(
                        new CurationManifest.Row(0, "000000.png", CurationStep.KEPT, 3),
                        new CurationManifest.Row(1, "000001.png", CurationStep.DUPLICATE, -1),
                        new CurationManifest.Row(2, "000002.png", CurationStep.KEPT, 0)));
        Path file = dir.resolve("m.csv");
        manifest.write(file);
        CurationManifest read = CurationManifest.read(file);
        assertEquals(manifest, read);
        assertArrayEquals(new int[] {0, 2}, read.kept());
    }

    private int[] countConcepts(java.util.function.IntPredicate which) {
        int[] counts = new int[CONCEPT_SIZES.length];
        for (int i = 0; i < pool.length; i++) {
            if (which.test(i)) {
                counts[concept[i]]++;
            }
        }
        return counts;
    }

    private static double entropy(int[] counts) {
        double total = Arrays.stream(counts).sum();
        double h = 0;
        for (int c : counts) {
            if (c > 0) {
                h -= c / total * Math.log(c / total);
            }
        }
        return h;
    }

    private static float[] unit(Random random, float[] around, float spread) {
        float[] v = new float[DIM];
        double norm = 0;
        for (int j = 0; j < DIM; j++) {
            v[j] = (around == null ? 0 : around[j]) + (float) random.nextGaussian() * (around == null ? 1 : spread);
            norm += v[j] * v[j];
        }
        for (int j = 0; j < DIM; j++) {
            v[j] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    @Test
    void aPoolStreamedFromRocksDbCuratesExactlyAsTheSameArrays(@TempDir Path dir) {
        buildPool();
        float[][] protectedSet = {pool[5].clone(), pool[2500].clone()};
        Curation.Options options =
                new Curation.Options(0.99f, 0.99f, Curation.Retrieval.AUTO, 4, 100, true, new int[] {8}, 800, 3);
        Curation.Result inMemory = Curation.run(
                new Curation.Input(
                        new DuplicateEvidence.Embeddings(VectorSource.of(pool), VectorSource.of(protectedSet)),
                        VectorSource.of(pool),
                        null),
                options,
                CurationProgress.NONE);
        try (RocksVectorStore store = RocksVectorStore.create(dir.resolve("pool"), DIM)) {
            for (float[] v : pool) {
                store.append(v);
            }
            Curation.Result streamed = Curation.run(
                    new Curation.Input(
                            new DuplicateEvidence.Embeddings(store, VectorSource.of(protectedSet)), store, null),
                    options,
                    CurationProgress.NONE);
            assertArrayEquals(inMemory.steps(), streamed.steps());
            assertArrayEquals(inMemory.cluster(), streamed.cluster());
        }
    }
}
