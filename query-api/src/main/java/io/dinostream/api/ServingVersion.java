package io.dinostream.api;

import io.dinostream.embedder.ImageEmbedder;
import io.dinostream.index.ImageIndexReader;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The model and the index that answer queries, as one pair switched atomically: a model swap flips it
 * once the new version's index has caught up, and a rollback flips it back. Every request reads it once
 * and uses that pair throughout, so no answer mixes two versions' vectors.
 */
public final class ServingVersion {
    /** A model with the index of its own vectors. */
    public record Pair(ImageEmbedder embedder, ImageIndexReader index) {
        public Pair {
            Objects.requireNonNull(embedder, "embedder");
            Objects.requireNonNull(index, "index");
        }
    }

    private final AtomicReference<Pair> current;

    public ServingVersion(ImageEmbedder embedder, ImageIndexReader index) {
        this.current = new AtomicReference<>(new Pair(embedder, index));
    }

    /** The pair to use for one whole request. */
    public Pair current() {
        return current.get();
    }

    /** Serves {@code next} from the next request on; requests under way finish with the pair they read. */
    public void switchTo(Pair next) {
        current.set(Objects.requireNonNull(next, "next"));
    }
}
