package io.dinostream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dinostream bench index} end to end at a tiny size, python3-faiss included, so that the benchmark
 * keeps working: every case on both sides, each repeat reported, exact search exact on both. (Speed is
 * the benchmark's business, not this test's.)
 */
class BenchIndexCommandTest {
    @Test
    void everyCaseRunsOnBothSidesInEveryRepeat(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("index.md");
        String printed = Cli.run(List.of(
                "bench",
                "index",
                "--base",
                "2000",
                "--dim",
                "16",
                "--queries",
                "20",
                "--repeats",
                "2",
                "--seconds",
                "0",
                "--cases",
                "Flat;HNSW16/efSearch=64",
                "--output",
                report.toString()));
        assertEquals(printed, Files.readString(report));
        assertTrue(printed.contains("2,000 x 16 base vectors, 20 queries, k = 10"), printed);
        // Flat is exact on both sides: recall 1 against the Java ground truth, in the median table...
        assertTrue(
                printed.lines().anyMatch(l -> l.startsWith("| Flat | - |") && l.contains("| 1.0000 / 1.0000 |")),
                printed);
        assertTrue(printed.lines().anyMatch(l -> l.startsWith("| HNSW16 | efSearch=64 |")), printed);
        // ...and each repeat of each case has its own row.
        for (String row : List.of("| Flat | 1 |", "| Flat | 2 |", "| HNSW16 | 1 |", "| HNSW16 | 2 |")) {
            assertTrue(printed.contains(row), row + " missing from\n" + printed);
        }
        // Python searched the very index Java built: the same results, so Java's recall in every repeat.
        List<String> hnswRepeats = printed.lines()
                .filter(l -> l.startsWith("| HNSW16 | 1 |") || l.startsWith("| HNSW16 | 2 |"))
                .toList();
        assertEquals(2, hnswRepeats.size(), printed);
        for (String row : hnswRepeats) {
            String[] cells = row.split("\\|");
            String[] recalls = cells[cells.length - 1].split("/");
            assertEquals(3, recalls.length, row);
            assertEquals(
                    recalls[0].strip(), recalls[2].strip(), "Java's recall against Python's on Java's index: " + row);
        }
    }

    @Test
    void aMalformedCaseIsAUsageError() throws Exception {
        assertEquals(2, Main.run(List.of("bench", "index", "--cases", "HNSW32/speed=9")));
    }
}
