package io.dinostream.app.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.api.cluster.ShardProtocol.LaneState;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The writer's catch-up rule over the cluster's lane states (pure logic). */
class BackfillCheckTest {
    private static final String A = "aaaaaaaaaaaa";
    private static final String B = "bbbbbbbbbbbb";

    @Test
    void caughtUpWhenEveryInstanceRunsBWithoutLagAndHoldsAsMuchAsA() {
        BackfillCheck.Verdict verdict = BackfillCheck.judge(
                Map.of(
                        "h1:1", List.of(new LaneState(A, 600, 0, true), new LaneState(B, 550, 0, true)),
                        "h2:1", List.of(new LaneState(A, 500, 0, true), new LaneState(B, 550, 0, true))),
                B,
                A,
                OptionalLong.of(0));
        assertTrue(verdict.caughtUp(), verdict.toString());
        assertEquals(1_100, verdict.laneVectors());
        assertEquals(1_100, verdict.servingVectors());
    }

    @Test
    void holdsWhileAnInstanceHasNoLaneOfB() {
        BackfillCheck.Verdict verdict = BackfillCheck.judge(
                Map.of(
                        "h1:1", List.of(new LaneState(A, 10, 0, true), new LaneState(B, 20, 0, true)),
                        "h2:1", List.of(new LaneState(A, 10, 0, true))),
                B,
                A,
                OptionalLong.of(0));
        assertFalse(verdict.caughtUp());
        assertTrue(verdict.hold().orElseThrow().contains("h2:1"), verdict.toString());
    }

    @Test
    void holdsOnLagNotRunningFewerVectorsOrUnknownEmbedderLag() {
        Map<String, List<LaneState>> fine =
                Map.of("h1:1", List.of(new LaneState(A, 10, 0, true), new LaneState(B, 10, 0, true)));
        assertTrue(BackfillCheck.judge(fine, B, A, OptionalLong.of(0)).caughtUp());
        assertFalse(BackfillCheck.judge(fine, B, A, OptionalLong.empty()).caughtUp(), "embedder lag unknown");
        assertFalse(BackfillCheck.judge(fine, B, A, OptionalLong.of(3)).caughtUp(), "embedders behind");
        assertFalse(
                BackfillCheck.judge(
                                Map.of("h1:1", List.of(new LaneState(A, 10, 0, true), new LaneState(B, 10, 2, true))),
                                B,
                                A,
                                OptionalLong.of(0))
                        .caughtUp(),
                "index lag");
        assertFalse(
                BackfillCheck.judge(
                                Map.of("h1:1", List.of(new LaneState(A, 10, 0, true), new LaneState(B, 10, 0, false))),
                                B,
                                A,
                                OptionalLong.of(0))
                        .caughtUp(),
                "not running");
        BackfillCheck.Verdict fewer = BackfillCheck.judge(
                Map.of("h1:1", List.of(new LaneState(A, 10, 0, true), new LaneState(B, 9, 0, true))),
                B,
                A,
                OptionalLong.of(0));
        assertFalse(fewer.caughtUp());
        assertEquals("bbbbbbbbbbbb holds 9 of 10 vectors", fewer.hold().orElseThrow());
    }
}
