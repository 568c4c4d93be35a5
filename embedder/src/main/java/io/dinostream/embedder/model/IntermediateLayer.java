package io.dinostream.embedder.model;

import ai.djl.ndarray.NDArray;

/**
 * One entry of the official {@code get_intermediate_layers(x, n, reshape=False,
 * return_class_token=True, norm=...)}.
 *
 * @param block index of the block whose output this is
 * @param patchTokens (B, h*w, D) patch tokens (class and register tokens removed)
 * @param classToken (B, D) class token
 */
public record IntermediateLayer(int block, NDArray patchTokens, NDArray classToken) {}
