/** Frozen-feature evaluation: feature extraction, DINO's weighted k-NN and a linear probe. */
package io.dinostream.trainer.eval;
