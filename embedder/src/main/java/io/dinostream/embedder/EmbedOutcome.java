package io.dinostream.embedder;

/**
 * The result of embedding one image: a vector, or the reason the image was rejected.
 *
 * @param vector the L2-normalised embedding, or null when {@code error} is set
 * @param error why the image could not be embedded, or null on success
 */
public record EmbedOutcome(float[] vector, ImageDecodeException error) {
    public static EmbedOutcome success(float[] vector) {
        return new EmbedOutcome(vector, null);
    }

    public static EmbedOutcome failure(ImageDecodeException error) {
        return new EmbedOutcome(null, error);
    }

    public boolean ok() {
        return error == null;
    }
}
