package io.dinostream.index.faiss;

import io.dinostream.index.faiss.binding.FaissIndex;
import io.dinostream.index.faiss.binding.global.Faiss;
import java.util.Objects;

/**
 * Owner of a FAISS index that FAISS itself allocated ({@code index_factory}, {@code read_index}). JavaCPP
 * attaches no deallocator to pointers returned by native calls, so this class deletes it on {@link
 * #close()}. Idempotent; using {@link #get()} after close throws.
 */
public final class OwnedFaissIndex implements AutoCloseable {
    private FaissIndex index;

    OwnedFaissIndex(FaissIndex index) {
        this.index = Objects.requireNonNull(index, "index");
        if (index.isNull()) {
            throw new IllegalArgumentException("null FAISS index");
        }
    }

    /** The index; valid until {@link #close()}. */
    public FaissIndex get() {
        if (index == null) {
            throw new IllegalStateException("FAISS index already closed");
        }
        return index;
    }

    @Override
    public void close() {
        if (index != null) {
            Faiss.delete_index(index);
            index.setNull();
            index = null;
        }
    }
}
