/**
 * An "uncurated" image pool with known ground truth, built from a labelled dataset: the test bed of the
 * curation pipeline (issue 8). {@link io.dinostream.trainer.curate.pool.UncuratedPoolGenerator} injects
 * exact and near duplicates, a strong class imbalance and off-domain junk, and records, for every image,
 * what it is ({@link io.dinostream.trainer.curate.pool.PoolTruth}), so duplicate removal and balancing
 * can be scored.
 */
package io.dinostream.trainer.curate.pool;
