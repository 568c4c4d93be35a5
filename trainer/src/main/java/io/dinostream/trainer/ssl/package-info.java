/**
 * DINOv2's meta-architecture: student and teacher networks (backbone and DINO head) and one training
 * step (teacher targets, student losses, backward, clipping, AdamW, EMA).
 */
package io.dinostream.trainer.ssl;
