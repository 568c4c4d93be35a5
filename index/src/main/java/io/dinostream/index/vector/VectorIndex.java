package io.dinostream.index.vector;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * A mutable set of fixed-length float vectors, each under a caller-chosen 64-bit id, searchable by inner
 * product. The SPI that the index worker writes to and searches; every implementation must pass the
 * conformance suite ({@code VectorIndexConformanceTest}).
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>Vectors are passed flat and row-major: {@code n} vectors of {@link #dimension()} floats.
 *   <li>{@link #upsert} replaces the vector of an id that is already present; within one call the last
 *       occurrence of an id wins.
 *   <li>{@link #search} returns, per query, at most {@code k} neighbours ordered by descending score; fewer
 *       when the index holds fewer than {@code k} vectors. The order among equal scores is unspecified.
 *   <li>Ids are any {@code long} except {@code -1}, which FAISS reserves for "no result".
 *   <li>{@link #rangeSearch} returns, per query, every stored vector scoring strictly more than the
 *       threshold, best first (approximate indexes may miss some, as their k-NN search may).
 *   <li>{@link #writeSnapshot} writes the whole state (including any training) so that {@code
 *       VectorIndexes.readSnapshot} restores an index that answers exactly as this one did.
 *   <li>Not thread-safe for writes: concurrent {@link #search} calls are allowed while no write runs;
 *       callers serialise writes against searches (the worker uses a read-write lock).
 * </ul>
 */
public interface VectorIndex extends AutoCloseable {
    /** The id FAISS uses for "no result"; it may not be stored. */
    long NO_ID = -1L;

    /** Length of every vector. */
    int dimension();

    /** Number of vectors stored. */
    long size();

    /**
     * Adds or replaces vectors.
     *
     * @param ids one id per vector
     * @param vectors {@code ids.length * dimension()} floats, row-major
     * @throws IllegalArgumentException if the lengths disagree or an id is {@link #NO_ID}
     */
    void upsert(long[] ids, float[] vectors);

    /** {@link #upsert(long[], float[])} with one array per vector. */
    default void upsert(long[] ids, float[][] vectors) {
        upsert(ids, Vectors.flatten(vectors, dimension()));
    }

    /**
     * Removes vectors; ids that are not present are ignored.
     *
     * @return how many vectors were removed
     */
    long remove(long[] ids);

    /**
     * The {@code k} nearest stored vectors of each query by inner product.
     *
     * @param queries {@code n * dimension()} floats, row-major, {@code n >= 1}
     * @param k the most neighbours per query, {@code >= 1}
     * @return one {@link Neighbors} per query, in query order
     * @throws IllegalArgumentException if {@code queries} is not a positive multiple of the dimension or
     *     {@code k < 1}
     */
    List<Neighbors> search(float[] queries, int k);

    /**
     * {@link #search(float[], int)} with per-query parameters of approximate indexes ({@code nprobe},
     * {@code efSearch}); exact indexes ignore them.
     */
    default List<Neighbors> search(float[] queries, int k, SearchParams params) {
        return search(queries, k);
    }

    /**
     * Every stored vector whose score against a query is strictly greater than {@code threshold}: inner
     * product for inner-product indexes, the negated squared distance for L2 ones (so a threshold of
     * {@code -r} finds the vectors closer than {@code sqrt(r)}).
     *
     * @param queries {@code n * dimension()} floats, row-major, {@code n >= 1}
     * @return one {@link Neighbors} per query, in query order, best first
     */
    List<Neighbors> rangeSearch(float[] queries, float threshold, SearchParams params);

    /** {@link #rangeSearch(float[], float, SearchParams)} with the index's own search parameters. */
    default List<Neighbors> rangeSearch(float[] queries, float threshold) {
        return rangeSearch(queries, threshold, SearchParams.DEFAULTS);
    }

    /**
     * Whether the index is ready in its final form. Indexes that need no training always are; trained
     * ones (IVF, PQ) serve with an exact stand-in until {@link #train} or until enough vectors arrived.
     */
    default boolean isTrained() {
        return true;
    }

    /**
     * Trains the index on a sample (row-major, a multiple of the dimension) now, instead of waiting for
     * enough vectors, and moves every stored vector into the trained index. A no-op for indexes that need
     * no training or are trained already.
     */
    default void train(float[] sample) {}

    /**
     * Writes the index's complete state to {@code out}, in the format {@code VectorIndexes.readSnapshot}
     * reads. Only reads the index: concurrent searches may run, writes may not.
     */
    void writeSnapshot(OutputStream out) throws IOException;

    /** {@link #search(float[], int)} with one array per query. */
    default List<Neighbors> search(float[][] queries, int k) {
        return search(Vectors.flatten(queries, dimension()), k);
    }

    /** Releases the index (and its native memory, if any). Idempotent. */
    @Override
    void close();
}
