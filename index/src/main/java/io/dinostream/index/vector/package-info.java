/**
 * The {@link io.dinostream.index.vector.VectorIndex} SPI: a mutable, id-addressed set of vectors searched
 * by inner product, with a plain-Java exact implementation ({@link
 * io.dinostream.index.vector.BruteForceVectorIndex}) that serves as the test oracle. The FAISS-backed
 * implementation lives in {@code io.dinostream.index.faiss}.
 */
package io.dinostream.index.vector;
