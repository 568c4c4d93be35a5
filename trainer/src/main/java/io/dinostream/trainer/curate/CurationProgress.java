package io.dinostream.trainer.curate;

/** Where a long curation step is: the command draws a progress bar from it. */
@FunctionalInterface
public interface CurationProgress {
    CurationProgress NONE = (step, done, total) -> {};

    /** {@code done} of {@code total} units of {@code step} are finished. */
    void update(String step, long done, long total);
}
