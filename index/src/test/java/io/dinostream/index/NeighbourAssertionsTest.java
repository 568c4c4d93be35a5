package io.dinostream.index;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dinostream.index.vector.Neighbors;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tie-aware comparison must still catch a wrong answer, or every test built on it proves nothing. */
class NeighbourAssertionsTest {
    private static List<Neighbors> answer(long[] ids, float[] scores) {
        return List.of(new Neighbors(ids, scores));
    }

    @Test
    void acceptsAnotherIdTiedAtTheCutAndAnotherOrderOfTies() {
        List<Neighbors> expected = answer(new long[] {1, 2, 3}, new float[] {0.9f, 0.5f, 0.5f});
        NeighbourAssertions.assertSameUpToTies(
                expected, answer(new long[] {1, 3, 2}, new float[] {0.9f, 0.5f, 0.5f}), 0f);
        NeighbourAssertions.assertSameUpToTies(
                expected, answer(new long[] {1, 2, 7}, new float[] {0.9f, 0.5f, 0.5f}), 0f);
    }

    @Test
    void rejectsAWrongIdAboveTheCut() {
        List<Neighbors> expected = answer(new long[] {1, 2}, new float[] {0.9f, 0.5f});
        assertThrows(
                AssertionError.class,
                () -> NeighbourAssertions.assertSameUpToTies(
                        expected, answer(new long[] {3, 2}, new float[] {0.9f, 0.5f}), 0f));
    }

    @Test
    void rejectsAScoreOutsideTheTolerance() {
        List<Neighbors> expected = answer(new long[] {1, 2}, new float[] {0.9f, 0.5f});
        assertThrows(
                AssertionError.class,
                () -> NeighbourAssertions.assertSameUpToTies(
                        expected, answer(new long[] {1, 2}, new float[] {0.9f, 0.4f}), 0.01f));
        NeighbourAssertions.assertSameUpToTies(expected, answer(new long[] {1, 2}, new float[] {0.9f, 0.495f}), 0.01f);
    }

    @Test
    void rejectsAShorterAnswer() {
        List<Neighbors> expected = answer(new long[] {1, 2}, new float[] {0.9f, 0.5f});
        assertThrows(
                AssertionError.class,
                () -> NeighbourAssertions.assertSameUpToTies(expected, answer(new long[] {1}, new float[] {0.9f}), 0f));
    }
}
