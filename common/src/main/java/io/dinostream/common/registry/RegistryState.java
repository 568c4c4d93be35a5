package io.dinostream.common.registry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry as the topic's records build it, and the records each operation writes. Pure: the
 * caller writes the returned records and then {@link #apply applies} them, the same way a reader replays
 * the topic, so a writer and a later reader always agree.
 */
public final class RegistryState {
    /** A record to write: the topic key and the JSON value. */
    public record Change(String key, byte[] value) {}

    /** Refused operation: the message says why, for the operator; the kind says what an API answers. */
    public static final class RegistryException extends RuntimeException {
        /** Why an operation was refused. */
        public enum Kind {
            /** No such version. */
            NOT_FOUND,
            /** The version's state forbids it (retired, active, nothing to roll back to, other weights). */
            CONFLICT
        }

        private final Kind kind;

        public RegistryException(Kind kind, String message) {
            super(message);
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }

    private final Map<String, ModelVersion> versions = new LinkedHashMap<>();
    private ActivePointer pointer;
    private final Map<String, BackfillProgress> progress = new LinkedHashMap<>();

    /** Replays one record of the topic (a null value, a tombstone, forgets the key). */
    public void apply(String key, byte[] value) {
        if (key.equals(RegistryCodec.ACTIVE_KEY)) {
            pointer = value == null ? null : RegistryCodec.decodePointer(value);
        } else if (key.startsWith(RegistryCodec.PROGRESS_PREFIX)) {
            String id = key.substring(RegistryCodec.PROGRESS_PREFIX.length());
            if (value == null) {
                progress.remove(id);
            } else {
                progress.put(id, RegistryCodec.decodeProgress(value));
            }
        } else if (key.startsWith(RegistryCodec.VERSION_PREFIX)) {
            String id = key.substring(RegistryCodec.VERSION_PREFIX.length());
            if (value == null) {
                versions.remove(id);
            } else {
                versions.put(id, RegistryCodec.decodeVersion(value));
            }
        }
        // Other keys belong to later wire versions: ignored, as a reader of an older version must.
    }

    public void apply(List<Change> changes) {
        for (Change change : changes) {
            apply(change.key(), change.value());
        }
    }

    /** Versions in registration order. */
    public List<ModelVersion> versions() {
        return Collections.unmodifiableList(new ArrayList<>(versions.values()));
    }

    public Optional<ModelVersion> version(String id) {
        return Optional.ofNullable(versions.get(id));
    }

    /** The last backfill progress a serving node reported for a version. */
    public Optional<BackfillProgress> progress(String id) {
        return Optional.ofNullable(progress.get(id));
    }

    /** The record a serving node writes to report a backfill's progress. */
    public static Change progressChange(BackfillProgress p) {
        return new Change(RegistryCodec.progressKey(p.version()), RegistryCodec.encode(p));
    }

    public Optional<ActivePointer> pointer() {
        return Optional.ofNullable(pointer);
    }

    public Optional<ModelVersion> active() {
        return pointer == null ? Optional.empty() : version(pointer.active());
    }

    public ModelState stateOf(ModelVersion v) {
        if (v.retired()) {
            return ModelState.RETIRED;
        }
        if (pointer != null && v.id().equals(pointer.active())) {
            return ModelState.ACTIVE;
        }
        if (pointer != null && v.id().equals(pointer.pending())) {
            return ModelState.ACTIVATING;
        }
        if (pointer != null && v.id().equals(pointer.previous())) {
            return ModelState.PREVIOUS;
        }
        return ModelState.REGISTERED;
    }

    /** Registers a version; nothing to write when the same weights are registered already. */
    public List<Change> register(ModelVersion v) {
        ModelVersion existing = versions.get(v.id());
        if (existing != null) {
            if (!existing.weightsDigest().equals(v.weightsDigest())) {
                throw new RegistryException(
                        RegistryException.Kind.CONFLICT,
                        "version " + v.id() + " exists with other weights (" + existing.weightsDigest() + ")");
            }
            return List.of();
        }
        if (v.parent() != null && !versions.containsKey(v.parent())) {
            throw new RegistryException(
                    RegistryException.Kind.NOT_FOUND, "parent version " + v.parent() + " is not registered");
        }
        return List.of(new Change(RegistryCodec.versionKey(v.id()), RegistryCodec.encode(v)));
    }

    /**
     * Makes {@code id} the active version at once (no backfill: for a first activation, or an index that is
     * already complete); the one it replaces becomes the rollback target.
     */
    public List<Change> activate(String id, Instant now) {
        ModelVersion v = require(id);
        if (v.retired()) {
            throw new RegistryException(
                    RegistryException.Kind.CONFLICT, "version " + id + " is retired and cannot be activated");
        }
        if (pointer != null && v.id().equals(pointer.active()) && pointer.pending() == null) {
            return List.of();
        }
        String previous;
        if (pointer == null) {
            previous = null;
        } else if (v.id().equals(pointer.active())) {
            previous = pointer.previous(); // only a pending activation is cancelled
        } else {
            previous = pointer.active();
        }
        return List.of(pointerChange(new ActivePointer(v.id(), previous, now)));
    }

    /**
     * Asks serving nodes to activate {@code id}: they backfill its index, then flip
     * ({@link #completeActivation}). Until then the active version keeps serving.
     */
    public List<Change> requestActivation(String id, Instant now) {
        ModelVersion v = require(id);
        if (v.retired()) {
            throw new RegistryException(
                    RegistryException.Kind.CONFLICT, "version " + v.id() + " is retired and cannot be activated");
        }
        if (pointer != null && v.id().equals(pointer.active()) && pointer.pending() == null) {
            return List.of();
        }
        String active = pointer == null ? null : pointer.active();
        String previous = pointer == null ? null : pointer.previous();
        if (v.id().equals(active)) {
            return List.of(pointerChange(new ActivePointer(active, previous, now, null))); // cancels a pending one
        }
        return List.of(pointerChange(new ActivePointer(active, previous, now, v.id())));
    }

    /** The flip a serving node writes once the pending version's index has caught up. */
    public List<Change> completeActivation(String id, Instant now) {
        if (pointer == null || !id.equals(pointer.pending())) {
            throw new RegistryException(
                    RegistryException.Kind.CONFLICT, "version " + id + " is not the one waiting to be activated");
        }
        return List.of(pointerChange(new ActivePointer(id, pointer.active(), now, null)));
    }

    /** Returns to the previous version at once; the active one becomes the new rollback target. */
    public List<Change> rollback(Instant now) {
        if (pointer == null || pointer.previous() == null) {
            throw new RegistryException(
                    RegistryException.Kind.CONFLICT,
                    "nothing to roll back to: no version was active before the current one");
        }
        ModelVersion previous = require(pointer.previous());
        if (previous.retired()) {
            throw new RegistryException(
                    RegistryException.Kind.CONFLICT, "the previous version " + previous.id() + " is retired");
        }
        return List.of(pointerChange(new ActivePointer(previous.id(), pointer.active(), now)));
    }

    /** Retires a version that is not active; retiring twice is a no-op. */
    public List<Change> retire(String id) {
        ModelVersion v = require(id);
        if (pointer != null && (v.id().equals(pointer.active()) || v.id().equals(pointer.pending()))) {
            throw new RegistryException(
                    RegistryException.Kind.CONFLICT,
                    "version " + v.id() + " is active or being activated: activate another one before retiring it");
        }
        if (v.retired()) {
            return List.of();
        }
        return List.of(new Change(RegistryCodec.versionKey(v.id()), RegistryCodec.encode(v.asRetired())));
    }

    /** A version by id or by a unique prefix of it. */
    public ModelVersion require(String idOrPrefix) {
        ModelVersion exact = versions.get(idOrPrefix);
        if (exact != null) {
            return exact;
        }
        List<ModelVersion> matches = versions.values().stream()
                .filter(v -> v.id().startsWith(idOrPrefix))
                .toList();
        if (matches.size() == 1 && idOrPrefix.length() >= 4) {
            return matches.get(0);
        }
        throw new RegistryException(
                RegistryException.Kind.NOT_FOUND,
                matches.isEmpty() || idOrPrefix.length() < 4
                        ? "no version " + idOrPrefix + " (dinostream model list shows them)"
                        : "version prefix " + idOrPrefix + " is ambiguous: "
                                + matches.stream().map(ModelVersion::id).toList());
    }

    private static Change pointerChange(ActivePointer p) {
        return new Change(RegistryCodec.ACTIVE_KEY, RegistryCodec.encode(p));
    }
}
