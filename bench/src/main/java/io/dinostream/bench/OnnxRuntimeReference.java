package io.dinostream.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.dinostream.embedder.model.DinoV2Model;
import io.dinostream.embedder.onnx.DinoV2OnnxExporter;
import io.dinostream.embedder.onnx.OnnxMatMul;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * The second speed reference of the embedding benchmark: the identical network (same weights, exported
 * by {@link DinoV2OnnxExporter}) run by ONNX Runtime on the same threads.
 */
public final class OnnxRuntimeReference {
    private OnnxRuntimeReference() {}

    /** GFLOP/s of an {@code n x n} float32 matrix multiply in ONNX Runtime on {@code threads} threads. */
    public static double matmulGflops(int n, int threads, double minSeconds) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        java.util.Random random = new java.util.Random(1);
        float[] values = new float[n * n];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            try (OrtSession session = env.createSession(OnnxMatMul.model(n), options);
                    OnnxTensor a = OnnxTensor.createTensor(env, FloatBuffer.wrap(values), new long[] {n, n});
                    OnnxTensor b = OnnxTensor.createTensor(env, FloatBuffer.wrap(values), new long[] {n, n})) {
                Map<String, OnnxTensor> inputs = Map.of(OnnxMatMul.A, a, OnnxMatMul.B, b);
                try (OrtSession.Result warm = session.run(inputs)) {
                    warm.get(0);
                }
                double products = RepeatedTiming.runsPerSecond(3, minSeconds, () -> {
                    try (OrtSession.Result result = session.run(inputs)) {
                        result.get(0);
                    }
                });
                return 2.0 * n * n * (double) n * products / 1e9;
            }
        }
    }

    /** Images per second of ONNX Runtime on {@code batch} images, measured for at least {@code minSeconds}. */
    public static double imagesPerSecond(
            DinoV2Model model, int batch, int resolution, int threads, float[] pixels, double minSeconds)
            throws Exception {
        byte[] onnx = DinoV2OnnxExporter.export(model, resolution, resolution);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = env.createSession(onnx, options);
                    OnnxTensor x = OnnxTensor.createTensor(
                            env, FloatBuffer.wrap(pixels), new long[] {batch, 3, resolution, resolution})) {
                Map<String, OnnxTensor> inputs = Map.of(DinoV2OnnxExporter.INPUT, x);
                try (OrtSession.Result warm = session.run(inputs)) {
                    warm.get(0);
                }
                return batch
                        * RepeatedTiming.runsPerSecond(2, minSeconds, () -> {
                            try (OrtSession.Result result = session.run(inputs)) {
                                result.get(0);
                            }
                        });
            }
        }
    }
}
