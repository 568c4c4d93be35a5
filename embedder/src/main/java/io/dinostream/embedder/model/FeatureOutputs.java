package io.dinostream.embedder.model;

import ai.djl.ndarray.NDArray;

/**
 * The official {@code forward_features} result. The arrays belong to the caller's scope (the manager
 * of the input, or the enclosing {@code NDScope}).
 *
 * @param clsToken {@code x_norm_clstoken} (B, D): the normalised class token
 * @param regTokens {@code x_norm_regtokens} (B, R, D): normalised register tokens (R may be 0)
 * @param patchTokens {@code x_norm_patchtokens} (B, h*w, D): normalised patch tokens, row-major
 * @param prenorm {@code x_prenorm} (B, 1+R+h*w, D): the last block's output before the final norm
 */
public record FeatureOutputs(NDArray clsToken, NDArray regTokens, NDArray patchTokens, NDArray prenorm) {}
