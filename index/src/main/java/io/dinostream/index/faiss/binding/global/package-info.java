/**
 * The FAISS binding's free functions and constants ({@code Faiss}: {@code index_factory}, {@code
 * write_index}/{@code read_index}, distance helpers, metric types, OpenMP thread control), generated at
 * build time.
 */
package io.dinostream.index.faiss.binding.global;
