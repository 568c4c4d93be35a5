/**
 * The index's durable state: one RocksDB database per index instance ({@link
 * io.dinostream.index.store.IndexStore}) with the layout of {@link io.dinostream.index.store.IndexFormat}
 * (format version 1). FAISS is derived from it and rebuilt from its {@code vectors} column family on start.
 */
package io.dinostream.index.store;
