package io.dinostream.trainer.curate.vectors;

/** Vectors held in an array of rows: small pools, tests. */
final class ArrayVectors implements VectorSource {
    private final float[][] rows;
    private final int dimension;

    ArrayVectors(float[][] rows) {
        this.rows = rows;
        this.dimension = rows.length == 0 ? 0 : rows[0].length;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != dimension) {
                throw new IllegalArgumentException(
                        "vector " + i + " has " + rows[i].length + " dimensions, expected " + dimension);
            }
        }
    }

    @Override
    public int size() {
        return rows.length;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public void read(int from, int to, float[] into) {
        for (int i = from; i < to; i++) {
            System.arraycopy(rows[i], 0, into, (i - from) * dimension, dimension);
        }
    }
}
