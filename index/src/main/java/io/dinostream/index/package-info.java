/**
 * The index module's contract with the query API: {@link io.dinostream.index.ImageIndexReader} (search and
 * look-up, thread-safe) and its result types. The implementation is {@link
 * io.dinostream.index.worker.IndexWorker}; see {@code index/README.md} for the module's layout.
 */
package io.dinostream.index;
