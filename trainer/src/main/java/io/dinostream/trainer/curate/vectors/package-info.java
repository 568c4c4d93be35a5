/**
 * Where curation reads its embeddings from: a {@link io.dinostream.trainer.curate.vectors.VectorSource}
 * hands out rows by range, so that the pipeline streams them in chunks and never needs every vector on the
 * Java heap. Sources: arrays (small pools), a RocksDB store (large pools), and a subset view of either.
 */
package io.dinostream.trainer.curate.vectors;
