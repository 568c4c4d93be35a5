package io.dinostream.trainer.curate.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.embedder.image.RgbImage;
import io.dinostream.trainer.data.Datasets;
import io.dinostream.trainer.data.FashionMnistImages;
import io.dinostream.trainer.data.ImageDataset;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated pool on real Fashion-MNIST: its ground truth describes exactly what was injected. */
class UncuratedPoolGeneratorTest {
    private static final UncuratedPoolGenerator.Options OPTIONS =
            new UncuratedPoolGenerator.Options(3000, 20, 0.2, 0.05, 7);
    private static FashionMnistImages train;
    private static UncuratedPool pool;

    @BeforeAll
    static void generate() throws Exception {
        train = FashionMnistImages.load("train");
        pool = UncuratedPoolGenerator.generate(train, OPTIONS);
    }

    @Test
    void countsAndKindsMatchTheOptions() {
        PoolTruth truth = pool.truth();
        Map<PoolItemKind, Integer> counts = new EnumMap<>(PoolItemKind.class);
        for (PoolItemKind kind : truth.kinds()) {
            counts.merge(kind, 1, Integer::sum);
        }
        int originals = counts.get(PoolItemKind.ORIGINAL);
        assertTrue(Math.abs(originals - 3000) <= 10, "originals " + originals);
        // 600 duplicated originals with 1-3 copies each: about 1,200 copies, every copy kind present.
        assertTrue(truth.duplicates() >= 900 && truth.duplicates() <= 1500, "copies " + truth.duplicates());
        for (PoolItemKind kind : PoolItemKind.duplicateKinds()) {
            assertTrue(counts.getOrDefault(kind, 0) > 100, kind + " " + counts.get(kind));
        }
        assertEquals(150, truth.junk());
        for (PoolItemKind kind : PoolItemKind.junkKinds()) {
            assertEquals(50, counts.get(kind), kind.name());
        }
        assertEquals(originals + truth.duplicates() + truth.junk(), pool.size());
    }

    @Test
    void classesAreImbalancedByTheRequestedRatio() {
        int[] perClass = new int[10];
        for (int i = 0; i < pool.size(); i++) {
            if (pool.truth().kinds()[i] == PoolItemKind.ORIGINAL) {
                perClass[pool.label(i)]++;
            }
        }
        int max = java.util.Arrays.stream(perClass).max().orElseThrow();
        int min = java.util.Arrays.stream(perClass).min().orElseThrow();
        assertEquals(20.0, max / (double) min, 2.0, java.util.Arrays.toString(perClass));
    }

    @Test
    void everyCopyIsWhatItsKindSays() {
        PoolTruth truth = pool.truth();
        int checked = 0;
        int crops = 0;
        int cropCloser = 0;
        for (int i = 0; i < pool.size(); i++) {
            PoolItemKind kind = truth.kinds()[i];
            int group = truth.groups()[i];
            if (kind.isJunk()) {
                assertEquals(-1, group);
                assertEquals(-1, pool.label(i));
                continue;
            }
            RgbImage original = pool.image(group);
            assertEquals(PoolItemKind.ORIGINAL, truth.kinds()[group], "a group is named by its original");
            assertEquals(pool.label(group), pool.label(i));
            assertEquals(truth.sources()[group], truth.sources()[i]);
            assertArrayEquals(train.image(truth.sources()[i]).rgb(), original.rgb(), "the original is the dataset's");
            RgbImage image = pool.image(i);
            switch (kind) {
                case ORIGINAL -> assertEquals(i, group);
                case EXACT_COPY -> assertArrayEquals(original.rgb(), image.rgb());
                case FLIP -> assertArrayEquals(NearCopies.flip(original).rgb(), image.rgb());
                case NOISE, JPEG -> {
                    double diff = meanAbsoluteDifference(original, image);
                    assertTrue(diff > 0 && diff < 15, kind + " differs by " + diff);
                }
                case CROP -> {
                    // A crop moves edges, so pixels differ much more; it is still far closer to its
                    // original than the next image of the same class is, in nearly every case.
                    double diff = meanAbsoluteDifference(original, image);
                    assertTrue(diff > 0, "a crop changes the image");
                    cropCloser += diff < meanAbsoluteDifference(sameClassOther(i), image) ? 1 : 0;
                    crops++;
                }
                default -> throw new AssertionError(kind);
            }
            checked++;
        }
        assertEquals(pool.size() - truth.junk(), checked);
        assertTrue(cropCloser >= 0.9 * crops, cropCloser + " of " + crops + " crops closest to their original");
    }

    /** The next original after {@code i} (cyclically) of {@code i}'s class that is not in its group. */
    private static RgbImage sameClassOther(int i) {
        PoolTruth truth = pool.truth();
        for (int k = 1; k < pool.size(); k++) {
            int j = (i + k) % pool.size();
            if (truth.kinds()[j] == PoolItemKind.ORIGINAL
                    && pool.label(j) == pool.label(i)
                    && truth.groups()[j] != truth.groups()[i]) {
                return pool.image(j);
            }
        }
        throw new AssertionError("no other image of class " + pool.label(i));
    }

    @Test
    void theSameSeedGivesTheSamePoolAndAnotherSeedAnother() {
        UncuratedPool again = UncuratedPoolGenerator.generate(train, OPTIONS);
        UncuratedPool other =
                UncuratedPoolGenerator.generate(train, new UncuratedPoolGenerator.Options(3000, 20, 0.2, 0.05, 8));
        assertEquals(pool.size(), again.size());
        for (int i = 0; i < pool.size(); i += 97) {
            assertEquals(pool.image(i), again.image(i));
        }
        assertArrayEquals(pool.truth().groups(), again.truth().groups());
        assertNotEquals(
                java.util.Arrays.toString(pool.truth().sources()),
                java.util.Arrays.toString(other.truth().sources()));
    }

    @Test
    void poolFilesRoundTripAsADirectoryDataset(@TempDir Path dir) throws Exception {
        UncuratedPool small =
                UncuratedPoolGenerator.generate(train, new UncuratedPoolGenerator.Options(60, 3, 0.3, 0.1, 1));
        PoolFiles.write(small, dir);
        ImageDataset read = Datasets.open("dir:" + dir);
        assertEquals(small.size(), read.size());
        for (int i = 0; i < small.size(); i++) {
            assertEquals(small.image(i), read.image(i), "image " + i + " survives PNG");
        }
        PoolTruth truth = PoolFiles.truth(dir);
        assertArrayEquals(small.truth().kinds(), truth.kinds());
        assertArrayEquals(small.truth().groups(), truth.groups());
        assertArrayEquals(small.truth().labels(), truth.labels());
        assertArrayEquals(small.truth().sources(), truth.sources());
    }

    private static double meanAbsoluteDifference(RgbImage a, RgbImage b) {
        long sum = 0;
        for (int i = 0; i < a.rgb().length; i++) {
            sum += Math.abs((a.rgb()[i] & 0xFF) - (b.rgb()[i] & 0xFF));
        }
        return sum / (double) a.rgb().length;
    }
}
