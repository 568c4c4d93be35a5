package io.dinostream.index.worker;

import io.dinostream.index.vector.VectorIndex;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** The vector-index changes of one batch, coalesced per numeric id (the last change of an id wins). */
final class FaissChanges {
    private final Map<Long, float[]> upserts = new LinkedHashMap<>();
    private final Set<Long> removals = new LinkedHashSet<>();

    void upsert(long id, float[] vector) {
        removals.remove(id);
        upserts.put(id, vector);
    }

    void remove(long id) {
        upserts.remove(id);
        removals.add(id);
    }

    boolean isEmpty() {
        return upserts.isEmpty() && removals.isEmpty();
    }

    /** Number of ids changed. */
    int size() {
        return upserts.size() + removals.size();
    }

    /** Every id changed (upserted or removed). */
    java.util.List<Long> ids() {
        java.util.List<Long> ids = new java.util.ArrayList<>(upserts.keySet());
        ids.addAll(removals);
        return ids;
    }

    boolean hasUpserts() {
        return !upserts.isEmpty();
    }

    /** Applies the changes: removals first, then upserts (which replace). */
    void applyTo(VectorIndex index) {
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
