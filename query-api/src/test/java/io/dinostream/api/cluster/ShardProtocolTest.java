package io.dinostream.api.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dinostream.index.SearchFilter;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scatter-gather JSON: a search names the model version it wants; lane states round-trip. */
class ShardProtocolTest {
    private static final SearchFilter FILTER = new SearchFilter(Map.of("label", "3"), "shop", 10L, 20L);

    @Test
    void searchRequestCarriesTheVersion() {
        JsonObject wire = new JsonObject(ShardProtocol.searchRequest(new float[] {0.5f, -1f}, 7, FILTER, "cebb12db16e6")
                .encode());
        ShardProtocol.SearchRequest parsed = ShardProtocol.parseSearchRequest(wire);
        assertEquals("cebb12db16e6", parsed.version());
        assertEquals(7, parsed.k());
        assertArrayEquals(new float[] {0.5f, -1f}, parsed.vector());
        assertEquals(FILTER, parsed.filter());
    }

    @Test
    void searchRequestWithoutVersionMeansThePrimaryIndex() {
        JsonObject wire = ShardProtocol.searchRequest(new float[] {1f}, 3, FILTER, null);
        assertNull(ShardProtocol.parseSearchRequest(wire).version());
    }

    @Test
    void laneStatesRoundTrip() {
        List<ShardProtocol.LaneState> states = List.of(
                new ShardProtocol.LaneState("56a0ac10c3c8", 1_100, 0, true),
                new ShardProtocol.LaneState("cebb12db16e6", 58, 312, false));
        JsonObject wire = new JsonObject(ShardProtocol.lanes(states).encode());
        assertEquals(states, ShardProtocol.parseLanes(wire));
    }

    @Test
    void malformedLaneStatesAreRefused() {
        JsonObject wire = new JsonObject().put("lanes", List.of(Map.of("version", "x")));
        assertThrows(IllegalArgumentException.class, () -> ShardProtocol.parseLanes(wire));
    }
}
