/**
 * Benchmarks run by {@code dinostream bench ...}. Each reports its figures against a reference measured
 * in the same run on the same machine: {@link io.dinostream.bench.EmbedBenchmark} (model speed against a
 * matrix multiply on the same engine), {@link io.dinostream.bench.EmbedLeakCheck} (heap and resident
 * memory over many embeddings), with {@link io.dinostream.bench.ProcessMemory} and
 * {@link io.dinostream.bench.VitFlops} as helpers.
 */
package io.dinostream.bench;
