package io.dinostream.index.vector;

/** Argument checks and conversions shared by {@link VectorIndex} implementations. */
public final class Vectors {
    private Vectors() {}

    /** Concatenates vectors row-major, checking that each has {@code dimension} floats. */
    public static float[] flatten(float[][] vectors, int dimension) {
        float[] flat = new float[Math.multiplyExact(vectors.length, dimension)];
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i].length != dimension) {
                throw new IllegalArgumentException(
                        "vector " + i + " has " + vectors[i].length + " floats, expected " + dimension);
            }
            System.arraycopy(vectors[i], 0, flat, i * dimension, dimension);
        }
        return flat;
    }

    /** Checks an upsert's arguments. */
    public static void checkUpsert(long[] ids, float[] vectors, int dimension) {
        if ((long) ids.length * dimension != vectors.length) {
            throw new IllegalArgumentException("expected " + ids.length + " x " + dimension + " = "
                    + (long) ids.length * dimension + " floats, got " + vectors.length);
        }
        for (long id : ids) {
            if (id == VectorIndex.NO_ID) {
                throw new IllegalArgumentException("id " + VectorIndex.NO_ID + " is reserved for 'no result'");
            }
        }
    }

    /** Checks a search's arguments and returns the number of queries. */
    public static int checkSearch(float[] queries, int k, int dimension) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (queries.length == 0 || queries.length % dimension != 0) {
            throw new IllegalArgumentException("queries must be a positive multiple of the dimension " + dimension
                    + ", got " + queries.length + " floats");
        }
        return queries.length / dimension;
    }

    /** Checks a dimension given to a constructor. */
    public static int checkDimension(int dimension) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be positive, got " + dimension);
        }
        return dimension;
    }
}
