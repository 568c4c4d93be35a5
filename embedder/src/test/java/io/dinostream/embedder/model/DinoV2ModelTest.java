package io.dinostream.embedder.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.embedder.model.DinoV2Weights.Naming;
import io.dinostream.embedder.model.SafeTensors.DType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DinoV2ModelTest {
    @TempDir
    Path tmp;

    @Test
    void presetsHaveTheOfficialParameterCounts() {
        // sum(p.numel()) of dinov2.hub backbones (img_size 518, mask token included)
        assertEquals(22_056_576L, DinoV2Config.preset("vits14").parameterCount());
        assertEquals(86_580_480L, DinoV2Config.preset("vitb14").parameterCount());
        assertEquals(304_368_640L, DinoV2Config.preset("vitl14").parameterCount());
        assertEquals(1_136_480_768L, DinoV2Config.preset("vitg14").parameterCount());
        assertEquals(22_058_112L, DinoV2Config.preset("dinov2_vits14_reg").parameterCount());
        DinoV2Config g = DinoV2Config.preset("vitg14_reg4");
        assertEquals(FfnType.SWIGLU, g.ffn());
        assertEquals(4096, g.ffnHidden());
        assertEquals(40, g.depth());
        assertEquals(1536, g.embedDim());
        assertEquals(4, g.numRegisters());
        assertTrue(g.interpolateAntialias());
        assertEquals(0.0, g.interpolateOffset());
        var e = assertThrows(IllegalArgumentException.class, () -> DinoV2Config.preset("vitx14"));
        assertTrue(e.getMessage().contains("vitx14") && e.getMessage().contains("vit-tiny-demo"), e.getMessage());
    }

    @Test
    void randomModelsAreDeterministicAndDescribeThemselves() {
        float[] pixels = images(2, 224, 224, 1);
        try (DinoV2Model a = DinoV2Model.random("vit-tiny-demo", 7);
                DinoV2Model b = DinoV2Model.random("vit-tiny-demo", 7);
                DinoV2Model c = DinoV2Model.random("vit-tiny-demo", 8)) {
            float[][] va = a.embed(pixels, 2, 224, 224, Pooling.CLS);
            float[][] vb = b.embed(pixels, 2, 224, 224, Pooling.CLS);
            float[][] vc = c.embed(pixels, 2, 224, 224, Pooling.CLS);
            assertArrayEquals(va[0], vb[0]);
            assertArrayEquals(va[1], vb[1]);
            assertTrue(cosine(va[0], vc[0]) < 0.99, "another seed gives another model");
            assertEquals("vit-tiny-demo", a.modelId());
            assertEquals("random-7", a.version());
            assertEquals(192, a.embedDim());
            String d = a.describe();
            assertTrue(
                    d.contains("vit-tiny-demo")
                            && d.contains(
                                    String.format("%,d parameters", a.config().parameterCount())),
                    d);
            assertEquals(
                    new EmbeddingSpec("vit-tiny-demo", "random-7", 384, "cls+mean-patch", "l2"),
                    a.spec(Pooling.CLS_MEAN_PATCH));
        }
    }

    @Test
    void demoEmbeddingsAreNormalisedAndDiscriminative() {
        int n = 6;
        float[] pixels = images(n, 224, 224, 3);
        try (DinoV2Model model = DinoV2Model.random("vit-tiny-demo", 42)) {
            for (Pooling pooling : Pooling.values()) {
                float[][] v = model.embed(pixels, n, 224, 224, pooling);
                assertEquals(n, v.length);
                double maxCos = -1;
                for (int i = 0; i < n; i++) {
                    assertEquals(model.outputDim(pooling), v[i].length);
                    assertEquals(1.0, norm(v[i]), 1e-5, "L2-normalised");
                    for (int j = i + 1; j < n; j++) {
                        maxCos = Math.max(maxCos, cosine(v[i], v[j]));
                    }
                }
                System.out.printf(
                        "vit-tiny-demo %s: max cosine between %d different images %.3f%n", pooling, n, maxCos);
                assertTrue(
                        maxCos < 0.95,
                        pooling + ": different images must give clearly different vectors, max cos " + maxCos);
            }
            // the same image alone or in a batch gives the same vector
            float[] first = new float[3 * 224 * 224];
            System.arraycopy(pixels, 0, first, 0, first.length);
            float[] alone = model.embed(first, 1, 224, 224, Pooling.CLS)[0];
            float[] inBatch = model.embed(pixels, n, 224, 224, Pooling.CLS)[0];
            assertArrayEquals(inBatch, alone, 1e-5f);
        }
    }

    @Test
    void rejectsSizesThatAreNotMultiplesOfThePatch() {
        try (DinoV2Model model = DinoV2Model.random("vit-tiny-demo", 1)) {
            var e = assertThrows(
                    IllegalArgumentException.class,
                    () -> model.embed(new float[3 * 150 * 224], 1, 150, 224, Pooling.CLS));
            assertTrue(e.getMessage().contains("height 150") && e.getMessage().contains("140 or 154"), e.getMessage());
            var e2 = assertThrows(
                    IllegalArgumentException.class, () -> model.embed(new float[10], 1, 224, 224, Pooling.CLS));
            assertTrue(e2.getMessage().contains("got 10"), e2.getMessage());
            // other multiples of 14, not square, work
            float[][] v = model.embed(images(1, 154, 210, 5), 1, 154, 210, Pooling.MEAN_PATCH);
            assertEquals(192, v[0].length);
        }
    }

    @Test
    void closeIsIdempotentAndLaterCallsFail() {
        DinoV2Model model = DinoV2Model.random("vit-tiny-demo", 1);
        model.close();
        model.close();
        var e = assertThrows(
                IllegalStateException.class, () -> model.embed(new float[3 * 14 * 14], 1, 14, 14, Pooling.CLS));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void savesAndReloadsTheSameModel() throws IOException {
        float[] pixels = images(1, 224, 224, 9);
        try (DinoV2Model model = DinoV2Model.random("vit-tiny-demo", 3)) {
            float[] want = model.embed(pixels, 1, 224, 224, Pooling.CLS_MEAN_PATCH)[0];
            Path official = tmp.resolve("demo.safetensors");
            model.save(official);
            try (DinoV2Model back = DinoV2Model.load(official)) {
                assertEquals("demo", back.modelId());
                assertEquals(12, back.version().length());
                assertEquals(model.config(), back.config().withName("vit-tiny-demo"));
                assertArrayEquals(want, back.embed(pixels, 1, 224, 224, Pooling.CLS_MEAN_PATCH)[0], 1e-6f);
            }
            Path hfBf16 = tmp.resolve("demo-hf-bf16.safetensors");
            model.save(hfBf16, Naming.HUGGING_FACE, DType.BF16);
            try (DinoV2Model back = DinoV2Model.load(hfBf16)) {
                float[] got = back.embed(pixels, 1, 224, 224, Pooling.CLS_MEAN_PATCH)[0];
                assertTrue(cosine(want, got) > 0.99, "bf16 weights stay close: cos " + cosine(want, got));
                Path again = tmp.resolve("again.safetensors");
                back.save(again); // same format as loaded: HF names, BF16
                var loaded = DinoV2Weights.read(again, LoadOptions.defaults());
                assertEquals(Naming.HUGGING_FACE, loaded.naming());
                assertEquals(DType.BF16, loaded.dtype());
            }
        }
    }

    @Test
    void blocksTrainWithAGradientCollector() {
        try (DinoV2Model model = DinoV2Model.random(
                new DinoV2Config("t", 14, 3, 48, 2, 2, 4, FfnType.SWIGLU, 128, 4, true, 1e-6f, 0.1, false),
                5,
                WeightInit.Scheme.OFFICIAL_TRAINING)) {
            double gradNorm = model.withEngine((mgr, ps, vit) -> {
                NDArray x = mgr.randomNormal(new Shape(2, 3, 56, 70));
                try (var gc = mgr.getEngine().newGradientCollector()) {
                    FeatureOutputs f =
                            vit.forwardFeatures(new ai.djl.training.ParameterStore(mgr, false), x, null, true);
                    NDArray loss = f.clsToken()
                            .square()
                            .sum()
                            .add(f.patchTokens().square().sum());
                    gc.backward(loss);
                }
                double sum = 0;
                for (var p : vit.parameters().values()) {
                    try (NDArray g = p.getArray().getGradient()) {
                        sum += g.square().sum().getFloat();
                    }
                }
                return Math.sqrt(sum);
            });
            assertTrue(gradNorm > 0 && Double.isFinite(gradNorm), "gradients reach the parameters: " + gradNorm);
            assertFalse(model.block().parameters().isEmpty());
        }
    }

    /** Structured test images: gradients, stripes and blobs with per-image parameters, plus noise. */
    static float[] images(int n, int h, int w, long seed) {
        Random rnd = new Random(seed);
        float[] out = new float[n * 3 * h * w];
        for (int i = 0; i < n; i++) {
            double fx = 1 + rnd.nextInt(8);
            double fy = 1 + rnd.nextInt(8);
            double phase = rnd.nextDouble() * Math.PI;
            for (int c = 0; c < 3; c++) {
                double tint = rnd.nextGaussian();
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        double v = Math.sin(fx * Math.PI * x / w + phase) * Math.cos(fy * Math.PI * y / h)
                                + tint
                                + 0.3 * rnd.nextGaussian();
                        out[((i * 3 + c) * h + y) * w + x] = (float) v;
                    }
                }
            }
        }
        return out;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
        }
        return dot / (norm(a) * norm(b));
    }

    static double norm(float[] a) {
        double s = 0;
        for (float f : a) {
            s += (double) f * f;
        }
        return Math.sqrt(s);
    }
}
