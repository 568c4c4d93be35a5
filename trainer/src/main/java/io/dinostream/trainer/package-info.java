/**
 * The DINOv2 trainer: self-supervised training (DINO + iBOT + KoLeo), distillation and curation. Empty
 * until the trainer issue lands; it will reuse the model blocks of {@code io.dinostream.embedder.model}.
 */
package io.dinostream.trainer;
