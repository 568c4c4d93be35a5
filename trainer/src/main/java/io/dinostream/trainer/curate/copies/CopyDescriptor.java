package io.dinostream.trainer.curate.copies;

/**
 * The candidate-search descriptor of a view: blurred ({@link Blur}, one pass), averaged down to
 * {@value #SIDE}x{@value #SIDE} and normalised ({@link Ncc}), so that the inner product FAISS searches by
 * is the correlation of two blurred images. Blurring makes it tolerate the pixel of misalignment left
 * between a copy's crop and the nearest crop view.
 */
public final class CopyDescriptor {
    public static final int SIDE = Thumbnails.SIDE / 2;
    public static final int DIMENSION = SIDE * SIDE;

    private CopyDescriptor() {}

    public static float[] of(float[] view) {
        int side = Thumbnails.SIDE;
        float[] blurred = Blur.of(view, 1);
        float[] small = new float[DIMENSION];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int p = 2 * y * side + 2 * x;
                small[y * SIDE + x] = (blurred[p] + blurred[p + 1] + blurred[p + side] + blurred[p + side + 1]) / 4;
            }
        }
        return Ncc.normalised(small);
    }
}
