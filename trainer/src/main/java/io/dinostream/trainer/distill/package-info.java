/**
 * Distillation of a large frozen model into a smaller student (the paper's section 5), on the same
 * meta-architecture and trainer as self-supervised training.
 */
package io.dinostream.trainer.distill;
