package io.dinostream.embedder.model;

/**
 * What the image embedder needs from a model: batched, pooled, L2-normalised vectors from preprocessed
 * pixels. {@link DinoV2Model} (DJL on libtorch, also used for training) and
 * {@link io.dinostream.embedder.onnx.OnnxRuntimeBackbone} (the same network on ONNX Runtime, faster on
 * CPU) implement it. Implementations are thread-safe and own their native memory until {@link #close()}.
 */
public interface VisionBackbone extends AutoCloseable {
    /**
     * @param pixelsNCHW {@code batch * 3 * height * width} float32 values, already normalised
     * @return {@code batch} L2-normalised vectors of {@link #outputDim(Pooling)} values
     */
    float[][] embed(float[] pixelsNCHW, int batch, int height, int width, Pooling pooling);

    int outputDim(Pooling pooling);

    String modelId();

    String version();

    @Override
    void close();
}
