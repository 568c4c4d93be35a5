/**
 * The embedder role as a Kafka Streams application: {@code EmbedderTopology} (images in, embeddings and
 * dead letters out, exactly-once), {@code EmbedProcessor} (micro-batches in a changelogged store,
 * back-pressure by embedding on the stream thread, retries and per-image isolation of model failures),
 * {@code EmbedderStreams} (the running application).
 */
package io.dinostream.embedder.streams;
