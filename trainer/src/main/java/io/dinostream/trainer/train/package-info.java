/**
 * The training loop: schedules, seeded batches, per-step loss log, per-epoch evaluation, checkpoints
 * with exact resume, export of the model for the embedder.
 */
package io.dinostream.trainer.train;
