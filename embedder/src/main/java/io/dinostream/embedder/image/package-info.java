/**
 * Image bytes to model input, matching DINOv2's Python pipeline byte for byte where possible:
 * {@link io.dinostream.embedder.image.ImageDecoder} (PIL's {@code Image.open(f).convert("RGB")}, with a
 * pixel limit and EXIF orientation), {@link io.dinostream.embedder.image.PilBicubic} (PIL's bicubic
 * resize) and {@link io.dinostream.embedder.image.Preprocessor} (the evaluation transform: resize, centre
 * crop, ImageNet normalisation, CHW float32). Pure Java, no native code, thread-safe.
 */
package io.dinostream.embedder.image;
