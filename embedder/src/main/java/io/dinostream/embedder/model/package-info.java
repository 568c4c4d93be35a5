/**
 * The DINOv2 model family on DJL's PyTorch engine: ViT-S/B/L/g with patch 14, with or without
 * register tokens, LayerScale, MLP or SwiGLU feed-forward, mask token, and the official outputs
 * ({@code forward_features}, {@code get_intermediate_layers}), reproducing facebookresearch/dinov2
 * numerically (checked against the fixtures in {@code shared/fixtures/dinov2}).
 *
 * <ul>
 *   <li>{@link io.dinostream.embedder.model.DinoV2Model}: the facade (load, random presets, embed,
 *       save, describe); thread-safe, owns the native memory.
 *   <li>{@link io.dinostream.embedder.model.DinoVisionTransformer} and its layers ({@link
 *       io.dinostream.embedder.model.TransformerBlock}, {@link io.dinostream.embedder.model.Attention},
 *       ...): DJL blocks with official parameter names, trainable with a {@code GradientCollector}.
 *   <li>{@link io.dinostream.embedder.model.DinoV2Config}: architectures and presets.
 *   <li>{@link io.dinostream.embedder.model.DinoV2Weights} and {@link
 *       io.dinostream.embedder.model.SafeTensors}: weights in safetensors files, official or Hugging
 *       Face names, F32/F16/BF16.
 * </ul>
 *
 * See {@code docs/models.md} for bringing the released checkpoints.
 */
package io.dinostream.embedder.model;
