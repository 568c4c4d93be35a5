/**
 * Data curation as in DINOv2's pipeline (issue 8, docs/curation.md): near-duplicate removal by embedding
 * similarity, retrieval around seed images, k-means balancing, all on L2-normalised embeddings and FAISS
 * through the {@code index} module. The test pool with known ground truth is in {@code curate.pool}.
 */
package io.dinostream.trainer.curate;
