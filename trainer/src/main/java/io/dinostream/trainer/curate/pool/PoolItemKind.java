package io.dinostream.trainer.curate.pool;

/** What a pool image is: an original, a copy of one (and how it was altered), or junk. */
public enum PoolItemKind {
    ORIGINAL,
    EXACT_COPY,
    FLIP,
    CROP,
    NOISE,
    JPEG,
    JUNK_NOISE,
    JUNK_TEXT,
    JUNK_SHAPES;

    /** A copy of an original, altered or not. */
    public boolean isDuplicate() {
        return this == EXACT_COPY || this == FLIP || this == CROP || this == NOISE || this == JPEG;
    }

    /** Off-domain: not a picture from the dataset. */
    public boolean isJunk() {
        return this == JUNK_NOISE || this == JUNK_TEXT || this == JUNK_SHAPES;
    }

    /** The kinds a copy can be. */
    static PoolItemKind[] duplicateKinds() {
        return new PoolItemKind[] {EXACT_COPY, FLIP, CROP, NOISE, JPEG};
    }

    /** The kinds junk can be. */
    static PoolItemKind[] junkKinds() {
        return new PoolItemKind[] {JUNK_NOISE, JUNK_TEXT, JUNK_SHAPES};
    }
}
