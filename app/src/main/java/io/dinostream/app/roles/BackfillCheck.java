package io.dinostream.app.roles;

import io.dinostream.api.cluster.ShardProtocol.LaneState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Whether a pending version has caught up with the active one over the whole cluster: every index
 * instance runs the pending version's index with no consumer lag, the pending version's embedders have
 * committed every stored image, and the pending indexes together hold at least as many vectors as the
 * active ones. Pure: the swap's writer gathers the facts (the instances' lane states, the embedder group's
 * lag) and asks.
 */
final class BackfillCheck {
    private BackfillCheck() {}

    /**
     * @param laneVectors the pending version's vectors, summed over the instances
     * @param servingVectors the active version's vectors, summed over the instances
     * @param hold why the flip waits, empty once caught up
     */
    record Verdict(long laneVectors, long servingVectors, Optional<String> hold) {
        boolean caughtUp() {
            return hold.isEmpty();
        }
    }

    /**
     * @param instances each index instance's lane states, by endpoint
     * @param embedderLag images the pending version's embedders have not committed; empty if unknown
     */
    static Verdict judge(
            Map<String, List<LaneState>> instances, String pending, String active, OptionalLong embedderLag) {
        long laneVectors = 0;
        long servingVectors = 0;
        String hold = null;
        for (Map.Entry<String, List<LaneState>> instance : instances.entrySet()) {
            Optional<LaneState> lane = find(instance.getValue(), pending);
            if (lane.isEmpty()) {
                hold = first(hold, instance.getKey() + " runs no index of " + pending + " yet");
            } else {
                laneVectors += lane.get().vectors();
                if (!lane.get().running()) {
                    hold = first(hold, "the index of " + pending + " on " + instance.getKey() + " is not running");
                } else if (lane.get().lag() > 0) {
                    hold = first(
                            hold,
                            "the index of " + pending + " on " + instance.getKey() + " lags "
                                    + Math.round(lane.get().lag()) + " records");
                }
            }
            servingVectors +=
                    find(instance.getValue(), active).map(LaneState::vectors).orElse(0L);
        }
        if (embedderLag.isEmpty()) {
            hold = first(hold, "the embedders' lag of " + pending + " is unknown");
        } else if (embedderLag.getAsLong() > 0) {
            hold = first(hold, "the embedders of " + pending + " have " + embedderLag.getAsLong() + " images to go");
        }
        if (laneVectors < servingVectors) {
            hold = first(hold, pending + " holds " + laneVectors + " of " + servingVectors + " vectors");
        }
        return new Verdict(laneVectors, servingVectors, Optional.ofNullable(hold));
    }

    private static Optional<LaneState> find(List<LaneState> states, String version) {
        return states.stream().filter(s -> s.version().equals(version)).findFirst();
    }

    private static String first(String held, String reason) {
        return held != null ? held : reason;
    }
}
