/**
 * DINOv2's multi-crop augmentation ({@code dinov2/data/augmentations.py}), one class per transform, on
 * 8-bit RGB images as the reference's PIL pipeline works: random resized crops (bicubic), horizontal flip,
 * colour jitter, random grayscale, Gaussian blur and solarisation, composed by
 * {@link io.dinostream.trainer.augment.MultiCrop} into two global and N local crops, normalised like the
 * embedder's input. Sizes are configurable so that 28x28 images train with small crops.
 */
package io.dinostream.trainer.augment;
