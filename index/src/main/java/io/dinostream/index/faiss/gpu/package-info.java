/**
 * The JNI declarations of FAISS's GPU half ({@link io.dinostream.index.faiss.gpu.FaissGpu}), built only
 * where a CUDA build of FAISS is present (Maven profile {@code gpu}). Everything above it, device choice
 * and the GPU search replica, lives in {@code io.dinostream.index.faiss}.
 */
package io.dinostream.index.faiss.gpu;
