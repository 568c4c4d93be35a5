package io.dinostream.embedder.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.dinostream.embedder.model.DinoV2Model;
import io.dinostream.embedder.model.LoadOptions;
import io.dinostream.embedder.model.ModelFixtures;
import io.dinostream.embedder.model.SafeTensors;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The exported graph, run by ONNX Runtime, gives the official {@code x_norm_clstoken} of the fixtures
 * (atol 1e-4, the README's tolerance for the tiny models): the same network, not an approximation.
 */
class DinoV2OnnxExporterTest {
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"tiny, x224", "tiny, x154x210", "tiny-reg-swiglu, x224", "tiny-reg-swiglu, x154x210"})
    void onnxRuntimeReproducesTheOfficialClsToken(String fixture, String input) throws Exception {
        Path dir = ModelFixtures.root().resolve(fixture);
        LoadOptions options = LoadOptions.defaults().withNumHeads(3).withInterpolation(0.1, false);
        float[] pixels;
        long[] shape;
        float[] expected;
        try (SafeTensors.Reader in = SafeTensors.open(dir.resolve("inputs.safetensors"));
                SafeTensors.Reader out = SafeTensors.open(dir.resolve("outputs.safetensors"))) {
            pixels = in.readFloats(input);
            shape = in.info(input).shape();
            expected = out.readFloats(input + ".x_norm_clstoken");
        }
        byte[] onnx;
        try (DinoV2Model model = DinoV2Model.load(dir.resolve("weights_official.safetensors"), options)) {
            onnx = DinoV2OnnxExporter.export(model, (int) shape[2], (int) shape[3]);
        }
        float[] actual = run(onnx, pixels, shape);
        assertEquals(expected.length, actual.length);
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i] - actual[i]));
        }
        System.out.printf("ONNX %s %s: max abs diff %.3g%n", fixture, input, max);
        assertTrue(max <= 1e-4, "max abs diff " + max);
    }

    private static float[] run(byte[] onnx, float[] pixels, long[] shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(onnx, options);
                OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), shape);
                OrtSession.Result result = session.run(Map.of(DinoV2OnnxExporter.INPUT, x))) {
            float[][] cls = (float[][]) result.get(0).getValue();
            float[] flat = new float[cls.length * cls[0].length];
            for (int b = 0; b < cls.length; b++) {
                System.arraycopy(cls[b], 0, flat, b * cls[0].length, cls[0].length);
            }
            return flat;
        }
    }
}
