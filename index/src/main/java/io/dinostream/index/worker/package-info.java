/**
 * The index role: {@link io.dinostream.index.worker.IndexWorker} consumes images and embeddings from Kafka,
 * keeps them in the RocksDB store and FAISS, dead-letters what it cannot apply and serves searches.
 * Start it with {@code IndexWorker.start(IndexWorkerOptions.fromConfig(config))}.
 */
package io.dinostream.index.worker;
