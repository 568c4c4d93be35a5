/**
 * Checking our indexes against other tools: {@link io.dinostream.index.eval.VectorFiles} reads and writes
 * the standard {@code .fvecs}/{@code .ivecs} files (and reads {@code .npy} float32), and
 * {@link io.dinostream.index.eval.IndexEvaluation} builds an index from base vectors, searches queries
 * and measures build time, QPS and recall. Used by {@code dinostream index eval}.
 */
package io.dinostream.index.eval;
