package io.dinostream.trainer.curate.vectors;

/** Vectors held in one row-major array. */
final class FlatVectors implements VectorSource {
    private final float[] data;
    private final int dimension;

    FlatVectors(float[] data, int dimension) {
        if (dimension < 1 || data.length % dimension != 0) {
            throw new IllegalArgumentException(data.length + " floats are not rows of " + dimension);
        }
        this.data = data;
        this.dimension = dimension;
    }

    @Override
    public int size() {
        return data.length / dimension;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public void read(int from, int to, float[] into) {
        System.arraycopy(data, from * dimension, into, 0, (to - from) * dimension);
    }
}
