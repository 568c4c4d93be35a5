/**
 * ONNX export of the DINOv2 models: {@link io.dinostream.embedder.onnx.DinoV2OnnxExporter} writes the
 * same network with the same weights as an ONNX graph, built with a minimal Protocol Buffers writer (no
 * ONNX library needed), so that ONNX Runtime can run it as a speed reference or an inference backend.
 */
package io.dinostream.embedder.onnx;
