package io.dinostream.embedder.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.embedder.model.DinoV2Model;
import io.dinostream.embedder.model.Pooling;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The ONNX Runtime backend gives the DJL model's vectors, for every pooling and any batch size. */
class OnnxRuntimeBackboneTest {
    private static final int SIDE = 56;

    @Test
    void matchesTheDjlModelForEveryPoolingAndBatchSize() {
        try (DinoV2Model djl = DinoV2Model.random("vit-tiny-demo", 5);
                OnnxRuntimeBackbone onnx = OnnxRuntimeBackbone.create(djl, SIDE, SIDE, 1)) {
            assertEquals(djl.modelId(), onnx.modelId());
            assertEquals(djl.version(), onnx.version());
            for (int batch : new int[] {1, 3}) {
                float[] pixels = pixels(batch);
                for (Pooling pooling : Pooling.values()) {
                    float[][] expected = djl.embed(pixels, batch, SIDE, SIDE, pooling);
                    float[][] actual = onnx.embed(pixels, batch, SIDE, SIDE, pooling);
                    assertEquals(onnx.outputDim(pooling), actual[0].length);
                    double max = 0;
                    for (int b = 0; b < batch; b++) {
                        for (int i = 0; i < expected[b].length; i++) {
                            max = Math.max(max, Math.abs(expected[b][i] - actual[b][i]));
                        }
                    }
                    assertTrue(max < 1e-5, pooling + " batch " + batch + ": max abs diff " + max);
                }
            }
        }
    }

    @Test
    void refusesOtherSizesAndUseAfterClose() {
        OnnxRuntimeBackbone onnx;
        try (DinoV2Model djl = DinoV2Model.random("vit-tiny-demo", 5)) {
            onnx = OnnxRuntimeBackbone.create(djl, SIDE, SIDE, 1);
        }
        var size = assertThrows(IllegalArgumentException.class, () -> onnx.embed(pixels(1), 1, 70, 56, Pooling.CLS));
        assertTrue(size.getMessage().contains("exported for 56x56"), size.getMessage());
        onnx.close();
        onnx.close();
        var closed = assertThrows(IllegalStateException.class, () -> onnx.embed(pixels(1), 1, SIDE, SIDE, Pooling.CLS));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    }

    private static float[] pixels(int batch) {
        Random random = new Random(batch);
        float[] pixels = new float[batch * 3 * SIDE * SIDE];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextGaussian();
        }
        return pixels;
    }
}
