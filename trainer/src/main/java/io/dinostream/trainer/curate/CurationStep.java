package io.dinostream.trainer.curate;

/** The step that decided an image's fate; {@link #KEPT} for images every step let through. */
public enum CurationStep {
    /** A near-copy of an image of the protected (evaluation) set. */
    EVAL_COPY,
    /** A near-duplicate of an earlier pool image. */
    DUPLICATE,
    /** Not retrieved by any seed image. */
    NOT_RETRIEVED,
    /** Left out when sampling down to the target size (balanced across clusters, or uniform). */
    SAMPLED_OUT,
    KEPT;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public static CurationStep ofLabel(String label) {
        return valueOf(label.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
}
