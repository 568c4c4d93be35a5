package io.dinostream.common.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registry's state transitions, replayed as a reader of the topic would (pure logic). */
class RegistryStateTest {
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    static ModelVersion version(char digit, String parent) {
        String digest = String.valueOf(digit).repeat(64);
        return new ModelVersion(
                ModelVersion.idOf(digest),
                "model-" + digit,
                "ViT patch 7, width 96",
                digest,
                1234,
                "whole image, 28 px",
                "cls, 96 dims, l2",
                96,
                Map.of("knn_top1", 85.38),
                parent,
                T0,
                false,
                Map.of());
    }

    /** Writes through a fresh replay of everything written so far, as another process would see it. */
    private static RegistryState replay(List<RegistryState.Change> log) {
        RegistryState state = new RegistryState();
        state.apply(log);
        return state;
    }

    @Test
    void activateRollbackAndRetireFlipOnePointer() {
        RegistryState state = new RegistryState();
        List<RegistryState.Change> log = new java.util.ArrayList<>();
        ModelVersion a = version('a', null);
        ModelVersion b = version('b', a.id());
        for (ModelVersion v : List.of(a, b)) {
            List<RegistryState.Change> changes = state.register(v);
            state.apply(changes);
            log.addAll(changes);
        }
        assertEquals(List.of(), state.register(a), "registering the same weights again writes nothing");
        assertTrue(state.active().isEmpty());

        List<RegistryState.Change> activateA = state.activate(a.id(), T0);
        state.apply(activateA);
        log.addAll(activateA);
        List<RegistryState.Change> activateB = state.activate(b.id().substring(0, 6), T0.plusSeconds(1));
        assertEquals(1, activateB.size(), "a flip is one record");
        state.apply(activateB);
        log.addAll(activateB);
        RegistryState seen = replay(log);
        assertEquals(b.id(), seen.active().orElseThrow().id());
        assertEquals(ModelState.PREVIOUS, seen.stateOf(a));

        List<RegistryState.Change> back = seen.rollback(T0.plusSeconds(2));
        seen.apply(back);
        log.addAll(back);
        seen = replay(log);
        assertEquals(a.id(), seen.active().orElseThrow().id());
        assertEquals(ModelState.PREVIOUS, seen.stateOf(b));
        assertEquals(85.38, seen.version(b.id()).orElseThrow().metrics().get("knn_top1"));
        assertEquals(a.id(), seen.version(b.id()).orElseThrow().parent());

        RegistryState last = seen;
        assertThrows(RegistryState.RegistryException.class, () -> last.retire(a.id()), "the active one");
        List<RegistryState.Change> retire = seen.retire(b.id());
        seen.apply(retire);
        log.addAll(retire);
        seen = replay(log);
        assertEquals(ModelState.RETIRED, seen.stateOf(seen.version(b.id()).orElseThrow()));
        RegistryState retired = seen;
        RegistryState.RegistryException e =
                assertThrows(RegistryState.RegistryException.class, () -> retired.activate(b.id(), T0));
        assertTrue(e.getMessage().contains("retired"), e.getMessage());
        assertThrows(RegistryState.RegistryException.class, () -> retired.rollback(T0), "back to a retired one");
    }

    @Test
    void aRequestedActivationWaitsForItsBackfillAndOnlyThePendingVersionCompletes() {
        RegistryState state = new RegistryState();
        ModelVersion a = version('a', null);
        ModelVersion b = version('b', null);
        state.apply(state.register(a));
        state.apply(state.register(b));
        state.apply(state.activate(a.id(), T0));
        state.apply(state.requestActivation(b.id(), T0.plusSeconds(1)));
        assertEquals(a.id(), state.active().orElseThrow().id(), "A serves until B has caught up");
        assertEquals(b.id(), state.pointer().orElseThrow().desired());
        assertEquals(ModelState.ACTIVATING, state.stateOf(b));
        assertThrows(RegistryState.RegistryException.class, () -> state.completeActivation(a.id(), T0));
        assertThrows(RegistryState.RegistryException.class, () -> state.retire(b.id()));
        state.apply(state.completeActivation(b.id(), T0.plusSeconds(2)));
        ActivePointer p = state.pointer().orElseThrow();
        assertEquals(b.id(), p.active());
        assertEquals(a.id(), p.previous());
        assertEquals(null, p.pending());
        assertEquals(p, RegistryCodec.decodePointer(RegistryCodec.encode(p)));
        // Requesting the active version again cancels a pending request.
        state.apply(state.requestActivation(a.id(), T0.plusSeconds(3)));
        assertEquals(a.id(), state.pointer().orElseThrow().pending());
        state.apply(state.requestActivation(b.id(), T0.plusSeconds(4)));
        assertEquals(null, state.pointer().orElseThrow().pending());
        assertEquals(a.id(), state.pointer().orElseThrow().previous(), "cancelling keeps the rollback target");
    }

    @Test
    void refusalsSayWhy() {
        RegistryState state = new RegistryState();
        assertTrue(assertThrows(RegistryState.RegistryException.class, () -> state.rollback(T0))
                .getMessage()
                .contains("nothing to roll back to"));
        assertTrue(assertThrows(RegistryState.RegistryException.class, () -> state.activate("abcdef", T0))
                .getMessage()
                .contains("no version abcdef"));
        assertTrue(
                assertThrows(RegistryState.RegistryException.class, () -> state.register(version('c', "0123456789ab")))
                        .getMessage()
                        .contains("parent version"));
    }

    @Test
    void recordsRoundTripAndUnknownKeysAreIgnored() {
        ModelVersion a = version('a', null);
        assertEquals(a, RegistryCodec.decodeVersion(RegistryCodec.encode(a)));
        ActivePointer p = new ActivePointer(a.id(), null, T0);
        assertEquals(p, RegistryCodec.decodePointer(RegistryCodec.encode(p)));
        RegistryState state = new RegistryState();
        state.apply("future/thing", new byte[] {1, 2});
        assertTrue(state.versions().isEmpty());
        assertThrows(
                io.dinostream.common.wire.WireFormatException.class,
                () -> RegistryCodec.decodeVersion("[1]".getBytes()));
    }
}
