/**
 * Training-only model parts, built from the embedder's DINOv2 layers and carrying the official PyTorch
 * parameter names: the DINO / iBOT projection head ({@link io.dinostream.trainer.model.DinoHead}).
 */
package io.dinostream.trainer.model;
