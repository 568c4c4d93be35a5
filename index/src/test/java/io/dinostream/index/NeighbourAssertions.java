package io.dinostream.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.index.vector.Neighbors;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Compares two k-NN answers where tie order is nobody's promise: FAISS on the CPU, FAISS on a GPU and the
 * Java oracle may order tied ids differently, and when ties straddle the k-th place any of them is right.
 */
public final class NeighbourAssertions {
    private NeighbourAssertions() {}

    /**
     * Same number of answers and neighbours; scores agree rank by rank within {@code tolerance}; an id
     * missing from the expected answer is allowed only if its score ties (within {@code tolerance}) with
     * the expected k-th score, since then it and the expected id are equally right.
     */
    public static void assertSameUpToTies(List<Neighbors> expected, List<Neighbors> actual, float tolerance) {
        assertEquals(expected.size(), actual.size(), "number of answers");
        for (int q = 0; q < expected.size(); q++) {
            Neighbors e = expected.get(q);
            Neighbors a = actual.get(q);
            assertEquals(e.size(), a.size(), "neighbours of query " + q);
            for (int r = 0; r < e.size(); r++) {
                assertEquals(e.scores()[r], a.scores()[r], tolerance, "query " + q + " rank " + r);
            }
            if (e.size() == 0) {
                continue;
            }
            Set<Long> expectedIds = new HashSet<>();
            for (long id : e.ids()) {
                expectedIds.add(id);
            }
            float last = e.scores()[e.size() - 1];
            for (int r = 0; r < a.size(); r++) {
                boolean tiedAtTheCut = Math.abs(a.scores()[r] - last) <= tolerance;
                assertTrue(
                        expectedIds.contains(a.ids()[r]) || tiedAtTheCut,
                        "query " + q + ": id " + a.ids()[r] + " at rank " + r + " is not in the expected set");
            }
        }
    }
}
