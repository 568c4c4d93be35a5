/**
 * What DJL's optimisers lack for DINOv2 training: per-parameter learning-rate and weight-decay multipliers
 * ({@link io.dinostream.trainer.optim.ParameterGroups}: layer-wise decay, patch-embedding multiplier, no
 * decay on norms, biases and tokens) and global-norm gradient clipping
 * ({@link io.dinostream.trainer.optim.GradientClipping}).
 */
package io.dinostream.trainer.optim;
