/**
 * The self-supervised losses of DINOv2, on DJL NDArrays so that they take part in autograd: the DINO loss
 * on CLS tokens ({@link io.dinostream.trainer.loss.DinoClsLoss}), the iBOT loss on masked patch tokens
 * ({@link io.dinostream.trainer.loss.IBotPatchLoss}), the KoLeo regulariser
 * ({@link io.dinostream.trainer.loss.KoLeoLoss}), and the two ways of turning teacher logits into targets:
 * softmax after subtracting an EMA centre ({@link io.dinostream.trainer.loss.TeacherCentering}) and
 * Sinkhorn-Knopp ({@link io.dinostream.trainer.loss.SinkhornKnopp}). Each matches the official
 * {@code dinov2/loss} class it is named after, checked against the reference tensors in
 * {@code shared/fixtures/dinov2/losses}.
 */
package io.dinostream.trainer.loss;
