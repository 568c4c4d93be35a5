/**
 * The embedder's contract: {@link io.dinostream.embedder.ImageEmbedder} turns encoded images into
 * L2-normalised vectors, one {@link io.dinostream.embedder.EmbedOutcome} per image (a vector or the reason
 * it failed); {@link io.dinostream.embedder.ImageEmbedders} builds the configured one. The model lives in
 * {@code model}, decoding and preprocessing in {@code image}, the Kafka role in {@code worker}.
 */
package io.dinostream.embedder;
