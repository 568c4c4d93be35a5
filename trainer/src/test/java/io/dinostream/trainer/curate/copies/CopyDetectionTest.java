package io.dinostream.trainer.curate.copies;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.trainer.curate.CurationProgress;
import io.dinostream.trainer.curate.DuplicateEvidence;
import io.dinostream.trainer.curate.DuplicateScore;
import io.dinostream.trainer.curate.NearDuplicates;
import io.dinostream.trainer.curate.pool.PoolItemKind;
import io.dinostream.trainer.curate.pool.PoolTruth;
import io.dinostream.trainer.curate.pool.UncuratedPool;
import io.dinostream.trainer.curate.pool.UncuratedPoolGenerator;
import io.dinostream.trainer.curate.vectors.VectorSource;
import io.dinostream.trainer.data.FashionMnistImages;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pixel copy detection on a generated pool of real Fashion-MNIST images (seed 7) with real FAISS: about
 * 4,300 images, so the candidate search runs on the inverted file. The injected copies are the truth.
 */
class CopyDetectionTest {
    private static final float THRESHOLD = 0.997f;
    private static UncuratedPool pool;
    private static float[][] thumbnails;

    @BeforeAll
    static void generate() throws Exception {
        pool = UncuratedPoolGenerator.generate(
                FashionMnistImages.load("train"), new UncuratedPoolGenerator.Options(3000, 20, 0.2, 0.05, 7));
        thumbnails = new float[pool.size()][];
        for (int i = 0; i < pool.size(); i++) {
            thumbnails[i] = Thumbnails.of(pool.image(i));
        }
    }

    @Test
    void theCandidateIndexIsAnInvertedFileAboveTheExactLimit() {
        assertTrue(pool.size() > 4096, "pool of " + pool.size());
        assertTrue(CopyFinder.factoryFor(pool.size()).startsWith("IVF"), CopyFinder.factoryFor(pool.size()));
        assertEquals("Flat", CopyFinder.factoryFor(4096));
    }

    @Test
    void aCropViewOfTheOriginalReproducesTheCroppedCopy() {
        // The generator crops with Java2D's bilinear scaling; verification views must land on the same pixels.
        PoolTruth truth = pool.truth();
        int crops = 0;
        for (int i = 0; i < pool.size(); i++) {
            if (truth.kinds()[i] != PoolItemKind.CROP) {
                continue;
            }
            float[] copy = Ncc.normalised(thumbnails[i]);
            float best = -1;
            for (float[] view : Views.forVerification(thumbnails[truth.groups()[i]])) {
                best = Math.max(best, Ncc.dot(Ncc.normalised(view), copy));
            }
            assertTrue(best > 0.9999f, "crop " + i + " best view correlation " + best);
            crops++;
        }
        assertTrue(crops > 100, crops + " crops");
    }

    @Test
    void viewsAreTheImageItsMirrorAndEveryCropFrom84PercentUp() {
        float[] image = thumbnails[0];
        List<float[]> views = Views.forVerification(image);
        // Crops of 24 to 27 pixels at every offset: 25 + 16 + 9 + 4, plus the image and its mirror.
        assertEquals(56, views.size());
        assertArrayEquals(image, views.get(0));
        assertArrayEquals(image, Views.mirror(views.get(1)));
        assertArrayEquals(image, Views.resize(image, Thumbnails.SIDE, 0, 0, Thumbnails.SIDE, Thumbnails.SIDE));
    }

    @Test
    void duplicatesWithinThePoolAreFoundWithPrecisionAndRecallAbove95Percent() {
        DuplicateEvidence evidence = new DuplicateEvidence.Pixels(VectorSource.of(thumbnails), null);
        int[] all = new int[pool.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        NearDuplicates.Groups groups = evidence.within(all, THRESHOLD, CurationProgress.NONE);
        boolean[] removed = new boolean[pool.size()];
        for (int i = 0; i < removed.length; i++) {
            removed[i] = groups.removed(i);
        }
        DuplicateScore score = DuplicateScore.of(pool.truth(), removed);
        assertTrue(score.precision() >= 0.95 && score.recall() >= 0.95, score.toString());

        // Every kind of copy is found, not just the easy ones: a copy is found when it shares its original's group.
        Map<PoolItemKind, int[]> foundOfKind = new EnumMap<>(PoolItemKind.class);
        PoolTruth truth = pool.truth();
        for (int i = 0; i < pool.size(); i++) {
            PoolItemKind kind = truth.kinds()[i];
            if (kind.isDuplicate()) {
                int[] counts = foundOfKind.computeIfAbsent(kind, k -> new int[2]);
                counts[0] += groups.keeper()[i] == groups.keeper()[truth.groups()[i]] ? 1 : 0;
                counts[1]++;
            }
        }
        foundOfKind.forEach((kind, counts) ->
                assertTrue(counts[0] >= 0.95 * counts[1], kind + ": " + counts[0] + " of " + counts[1] + " found"));
        assertEquals(5, foundOfKind.size());
    }

    @Test
    void copiesOfAProtectedSetAreFlaggedAndOtherImagesAreNot() {
        // Protected: the originals of the duplicated groups. Pool: every other image. Their copies must be
        // flagged; originals without copies in the protected set must not be.
        PoolTruth truth = pool.truth();
        boolean[] duplicated = new boolean[pool.size()];
        for (int i = 0; i < pool.size(); i++) {
            if (truth.kinds()[i].isDuplicate()) {
                duplicated[truth.groups()[i]] = true;
            }
        }
        List<float[]> protectedSet = new ArrayList<>();
        List<Integer> poolRows = new ArrayList<>();
        for (int i = 0; i < pool.size(); i++) {
            if (truth.kinds()[i] == PoolItemKind.ORIGINAL && duplicated[i]) {
                protectedSet.add(thumbnails[i]);
            } else {
                poolRows.add(i);
            }
        }
        float[][] rest = poolRows.stream().map(i -> thumbnails[i]).toArray(float[][]::new);
        boolean[] flagged = new DuplicateEvidence.Pixels(
                        VectorSource.of(rest), VectorSource.of(protectedSet.toArray(float[][]::new)))
                .copiesOfProtected(THRESHOLD, CurationProgress.NONE);

        int copies = 0;
        int copiesFlagged = 0;
        int others = 0;
        int othersFlagged = 0;
        for (int r = 0; r < rest.length; r++) {
            if (truth.kinds()[poolRows.get(r)].isDuplicate()) {
                copies++;
                copiesFlagged += flagged[r] ? 1 : 0;
            } else {
                others++;
                othersFlagged += flagged[r] ? 1 : 0;
            }
        }
        assertTrue(copiesFlagged >= 0.95 * copies, copiesFlagged + " of " + copies + " copies flagged");
        assertTrue(othersFlagged <= 0.01 * others, othersFlagged + " of " + others + " other images flagged");
    }
}
