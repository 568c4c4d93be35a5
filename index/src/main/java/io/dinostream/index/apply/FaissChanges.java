package io.dinostream.index.apply;

import io.dinostream.index.vector.VectorIndex;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** The vector-index changes of one batch, coalesced per numeric id (the last change of an id wins). */
public final class FaissChanges {
    private final Map<Long, float[]> upserts = new LinkedHashMap<>();
    private final Set<Long> removals = new LinkedHashSet<>();

    public void upsert(long id, float[] vector) {
        removals.remove(id);
        upserts.put(id, vector);
    }

    public void remove(long id) {
        upserts.remove(id);
        removals.add(id);
    }

    public boolean isEmpty() {
        return upserts.isEmpty() && removals.isEmpty();
    }

    /** Number of ids changed. */
    public int size() {
        return upserts.size() + removals.size();
    }

    /** Every id changed (upserted or removed). */
    public java.util.List<Long> ids() {
        java.util.List<Long> ids = new java.util.ArrayList<>(upserts.keySet());
        ids.addAll(removals);
        return ids;
    }

    /** The ids upserted, in order. */
    public java.util.Set<Long> upsertedIds() {
        return java.util.Collections.unmodifiableSet(upserts.keySet());
    }

    /** The ids removed. */
    public java.util.Set<Long> removedIds() {
        return java.util.Collections.unmodifiableSet(removals);
    }

    public boolean hasUpserts() {
        return !upserts.isEmpty();
    }

    /** Applies the changes: removals first, then upserts (which replace). */
    public void applyTo(VectorIndex index) {
        if (!removals.isEmpty()) {
            index.remove(removals.stream().mapToLong(Long::longValue).toArray());
        }
        if (!upserts.isEmpty()) {
            long[] ids = new long[upserts.size()];
            float[] flat = new float[upserts.size() * index.dimension()];
            int i = 0;
            for (Map.Entry<Long, float[]> entry : upserts.entrySet()) {
                ids[i] = entry.getKey();
                System.arraycopy(entry.getValue(), 0, flat, i * index.dimension(), index.dimension());
                i++;
            }
            index.upsert(ids, flat);
        }
    }
}
