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
                "--rounds",
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
        // In turns: 2 repeats x 2 rounds per case, the first side alternating; Python searching the very
        // index Java built finds what Java finds, and Python's own build, read back from its file, is timed
        // in the same rounds (exact for Flat).
        for (String factory : List.of("Flat", "HNSW16")) {
            List<String> rounds = printed.lines()
                    .filter(l -> l.matches("\\| " + factory + " \\| [12] \\| [12] \\| (Java|Python) \\|.*"))
                    .toList();
            assertEquals(4, rounds.size(), factory + " rounds in\n" + printed);
            assertEquals(2, rounds.stream().filter(l -> l.contains("| Java |")).count(), printed);
            for (String row : rounds) {
                String[] cells = row.split("\\|");
                String[] recalls = cells[cells.length - 1].split("/");
                assertEquals(3, recalls.length, row);
                assertEquals(
                        recalls[0].strip(), recalls[1].strip(), "Java's recall against Python's on one index: " + row);
                assertTrue(Double.parseDouble(recalls[0].strip()) > 0.5, row);
                assertTrue(Double.parseDouble(recalls[2].strip()) > 0.5, "Python's own build: " + row);
                if (factory.equals("Flat")) {
                    assertEquals("1.0000", recalls[2].strip(), row);
                }
            }
        }
    }

    @Test
    void aMalformedCaseIsAUsageError() throws Exception {
        assertEquals(2, Main.run(List.of("bench", "index", "--cases", "HNSW32/speed=9")));
    }
}
