package io.dinostream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of {@link IndexBenchmark}: the case list syntax and the ratio summary. */
class IndexBenchmarkTest {
    @Test
    void casesAreSeparatedBySemicolonsWithParametersAfterASlash() {
        List<IndexBenchmark.Case> cases =
                IndexBenchmark.Case.parseList("Flat; HNSW32/efSearch=128;IVF1024,PQ48/nprobe=16,;");
        assertEquals(
                List.of(
                        new IndexBenchmark.Case("Flat", ""),
                        new IndexBenchmark.Case("HNSW32", "efSearch=128"),
                        new IndexBenchmark.Case("IVF1024,PQ48", "nprobe=16,")),
                cases);
    }

    @Test
    void malformedCasesFailBeforeAnythingIsBuilt() {
        assertThrows(IllegalArgumentException.class, () -> IndexBenchmark.Case.parseList(" ; "));
        assertThrows(IllegalArgumentException.class, () -> IndexBenchmark.Case.parseList("HNSW32/efSearch=1/x"));
        assertThrows(IllegalArgumentException.class, () -> IndexBenchmark.Case.parseList("/nprobe=4"));
        assertThrows(IllegalArgumentException.class, () -> IndexBenchmark.Case.parseList("HNSW32/speed=9"));
    }

    @Test
    void ratiosGiveTheMedianAndTheRangeOfThePerRepeatRatios() {
        // Build ratios are Python's seconds over Java's: 1.0, 2.0 and 0.5 in the three repeats.
        IndexBenchmark.Row row = new IndexBenchmark.Row(
                new IndexBenchmark.Case("Flat", ""),
                List.of(side(2.0, 100), side(1.0, 300), side(4.0, 50)),
                List.of(side(2.0, 200), side(2.0, 100), side(2.0, 100)),
                List.of(
                        round(1, 1, side(Double.NaN, 100), side(Double.NaN, 100)),
                        round(1, 2, side(Double.NaN, 300), side(Double.NaN, 250)),
                        round(2, 1, side(Double.NaN, 50), side(Double.NaN, 50))));
        assertEquals(
                "1.00 [0.50, 2.00]",
                IndexBenchmark.ratios(row.java(), row.python(), (j, p) -> p.buildSeconds() / j.buildSeconds()));
        assertEquals(
                "0.50 [0.50, 3.00]",
                IndexBenchmark.ratios(row.java(), row.python(), (j, p) -> j.batchQps() / p.batchQps()));
        // On one index the rounds' batch ratios are 1.0, 1.2 and 1.0: every round counts, whatever its repeat.
        assertEquals(
                "1.00 [1.00, 1.20]",
                IndexBenchmark.roundRatios(
                        row.oneIndex(), IndexBenchmark.Round::python, (j, p) -> j.batchQps() / p.batchQps()));
        // Against Python's own builds in the same rounds (twice Python's rate on Java's index): 0.5, 0.6, 0.5.
        assertEquals(
                "0.50 [0.50, 0.60]",
                IndexBenchmark.roundRatios(
                        row.oneIndex(), IndexBenchmark.Round::pythonOwn, (j, p) -> j.batchQps() / p.batchQps()));
        assertEquals(2.0, IndexBenchmark.median(row.java(), IndexBenchmark.Side::buildSeconds));
    }

    @Test
    void oneRepeatGivesTheRatioAloneAndAnEvenCountAveragesTheMiddlePair() {
        IndexBenchmark.Row row = new IndexBenchmark.Row(
                new IndexBenchmark.Case("Flat", ""),
                List.of(side(1.0, 90)),
                List.of(side(1.0, 100)),
                List.of(round(1, 1, side(Double.NaN, 80), side(Double.NaN, 100))));
        assertEquals("0.90", IndexBenchmark.ratios(row.java(), row.python(), (j, p) -> j.batchQps() / p.batchQps()));
        assertEquals(
                "0.80",
                IndexBenchmark.roundRatios(
                        row.oneIndex(), IndexBenchmark.Round::python, (j, p) -> j.batchQps() / p.batchQps()));
        assertEquals(2.5, IndexBenchmark.median(new double[] {1, 2, 3, 4}));
    }

    @Test
    void roundsNeedAtLeastOneRoundAndOneRepeat() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new IndexBenchmark.Options(10, 4, 2, 1, List.of(), 1, 1, 0, null, null));
        assertThrows(
                IllegalArgumentException.class,
                () -> new IndexBenchmark.Options(10, 4, 2, 1, List.of(), 1, 0, 1, null, null));
    }

    private static IndexBenchmark.Round round(
            int repeat, int round, IndexBenchmark.Side java, IndexBenchmark.Side python) {
        IndexBenchmark.Side pythonOwn = new IndexBenchmark.Side(
                python.buildSeconds(), 2 * python.batchQps(), python.singleQps(), python.recall());
        return new IndexBenchmark.Round(repeat, round, round % 2 == 1, java, python, pythonOwn);
    }

    private static IndexBenchmark.Side side(double buildSeconds, double batchQps) {
        return new IndexBenchmark.Side(buildSeconds, batchQps, 1, 1);
    }
}
