/**
 * The embedder role: {@link io.dinostream.embedder.worker.EmbedderWorker} reads the images topic in
 * micro-batches, embeds them with an {@link io.dinostream.embedder.ImageEmbedder}, writes the embeddings
 * topic and dead-letters what it cannot use, committing offsets only after its output is acknowledged.
 */
package io.dinostream.embedder.worker;
