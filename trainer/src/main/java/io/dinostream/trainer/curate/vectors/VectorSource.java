package io.dinostream.trainer.curate.vectors;

/**
 * Rows of equal dimension addressed 0..size-1 and read by range, so that curation can stream them in
 * chunks. Implementations must allow any number of reads, in any order.
 */
public interface VectorSource {
    /** Rows per chunk when streaming a whole source. */
    int CHUNK = 8192;

    int size();

    int dimension();

    /** Rows {@code [from, to)}, row-major, into the start of {@code into}. */
    void read(int from, int to, float[] into);

    /** Rows {@code [from, to)}, row-major, in a new array. */
    default float[] read(int from, int to) {
        float[] out = new float[(to - from) * dimension()];
        read(from, to, out);
        return out;
    }

    /** At most {@code max} rows evenly strided over the source (all of them when it is small enough). */
    default float[] sample(int max) {
        int n = size();
        int count = Math.min(n, max);
        if (count == n) {
            return read(0, n);
        }
        int dim = dimension();
        float[] out = new float[count * dim];
        float[] row = new float[dim];
        for (int s = 0; s < count; s++) {
            int r = (int) ((long) s * n / count);
            read(r, r + 1, row);
            System.arraycopy(row, 0, out, s * dim, dim);
        }
        return out;
    }

    /** Rows of {@code dimension} floats in one row-major array. */
    static VectorSource rowMajor(float[] data, int dimension) {
        return new FlatVectors(data, dimension);
    }

    /** The rows of an array (each of the same length). */
    static VectorSource of(float[][] rows) {
        return new ArrayVectors(rows);
    }
}
