package io.dinostream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.trainer.curate.CurationManifest;
import io.dinostream.trainer.curate.CurationStep;
import io.dinostream.trainer.curate.pool.PoolFiles;
import io.dinostream.trainer.curate.pool.PoolTruth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dinostream curate make-pool}, {@code curate} and training from its manifest, as a user runs them:
 * real Fashion-MNIST, the shipped model's embeddings, FAISS through our binding, the real trainer.
 */
class CurateCommandTest {
    private static boolean passedDedup(CurationStep step) {
        return step != CurationStep.DUPLICATE && step != CurationStep.EVAL_COPY;
    }

    @Test
    void makePoolCurateAndTrainFromTheManifest(@TempDir Path dir) throws Exception {
        Path pool = dir.resolve("pool");
        String made = Cli.run(List.of(
                "curate",
                "make-pool",
                "--out",
                pool.toString(),
                "--originals",
                "400",
                "--duplicated",
                "0.2",
                "--seed",
                "3"));
        assertTrue(made.contains("wrote "), made);
        PoolTruth truth = PoolFiles.truth(pool);

        Path manifestFile = dir.resolve("curated.csv");
        String printed = Cli.run(List.of(
                "curate",
                "--pool",
                "dir:" + pool,
                "--out",
                manifestFile.toString(),
                "--target",
                "200",
                "--clusters",
                "10",
                "--dedup-threshold",
                "0.99",
                "--protect",
                "fashion-mnist:test",
                "--seed",
                "1"));
        assertTrue(printed.contains("| kept | 200 |"), printed);
        assertTrue(printed.contains("duplicate removal: precision"), printed);
        assertTrue(printed.contains("class-balance entropy"), printed);
        assertTrue(Files.size(dir.resolve("curated-clusters.png")) > 1000);
        assertEquals(printed, Files.readString(dir.resolve("curated-summary.md")));

        CurationManifest manifest = CurationManifest.read(manifestFile);
        assertEquals(truth.size(), manifest.rows().size());
        assertEquals(200, manifest.kept().length);
        // An exact copy has cosine 1 with its original, so of the two at most one gets past duplicate
        // removal (whichever comes first in the pool; the other is dropped, or both are as evaluation copies).
        int exactCopies = 0;
        for (int i = 0; i < truth.size(); i++) {
            if (truth.kinds()[i] == io.dinostream.trainer.curate.pool.PoolItemKind.EXACT_COPY) {
                exactCopies++;
                int original = truth.groups()[i];
                int survivors = (passedDedup(manifest.rows().get(i).step()) ? 1 : 0)
                        + (passedDedup(manifest.rows().get(original).step()) ? 1 : 0);
                assertTrue(survivors <= 1, "copy " + i + " and original " + original + " both survived");
            }
        }
        assertTrue(exactCopies > 5, "the pool has exact copies: " + exactCopies);

        Path run = dir.resolve("run");
        String trained = Cli.run(List.of(
                "train",
                "--preset",
                "fmnist-vit-tiny",
                "--data",
                "manifest:" + manifestFile,
                "--out",
                run.toString(),
                "--batch-size",
                "8",
                "--images-per-epoch",
                "16",
                "--eval-queries",
                "20",
                "--eval-bank",
                "50",
                "--stop-after",
                "2"));
        // The epoch ends after 2 steps and is evaluated by k-NN: the pool has no labels, so the bank is
        // Fashion-MNIST's train split.
        assertTrue(trained.contains("stopped after 2 iterations"), trained);
        assertEquals(2, Main.run(List.of("curate", "--pool", "dir:" + dir.resolve("missing"), "--out", "x.csv")));
        assertEquals(
                2, Main.run(List.of("curate", "--pool", "dir:" + pool, "--out", "y.csv", "--dedup-threshold", "1.5")));
    }

    @Test
    void benchCurateRunsBothCasesInTheirOwnJvms(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("curate.md");
        String printed = Cli.run(List.of(
                "bench",
                "curate",
                "--sizes",
                "3000",
                "--levels",
                "30",
                "--heap",
                "512m",
                "--output",
                report.toString()));
        assertTrue(printed.contains("| 3,000 | RocksDB, streamed |"), printed);
        assertTrue(printed.contains("| 3,000 | heap arrays (reference) |"), printed);
        // About 5% of 3,000 are injected near-copies at cosine ~0.995, other pairs ~0.73 at most: all found.
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\| (\\d+) of (\\d+) \\| (\\d+) \\|")
                .matcher(printed);
        int rows = 0;
        while (m.find()) {
            rows++;
            int injected = Integer.parseInt(m.group(2));
            assertTrue(injected > 100, printed);
            assertEquals(injected, Integer.parseInt(m.group(1)), printed);
            assertEquals(injected, Integer.parseInt(m.group(3)), printed);
        }
        assertEquals(2, rows, printed);
        assertEquals(printed, Files.readString(report));
        assertEquals(2, Main.run(List.of("bench", "curate", "--sizes", "10")));

        // A case that does not fit its heap is a finding, reported in the table, not a crash of the bench.
        String tooSmall = Cli.run(List.of("bench", "curate", "--sizes", "100000", "--levels", "30", "--heap", "40m"));
        assertTrue(tooSmall.contains("| 100,000 | heap arrays (reference) | failed: Java heap exhausted |"), tooSmall);
    }
}
