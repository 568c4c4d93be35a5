package io.dinostream.embedder.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.embedder.model.DinoV2Weights.Naming;
import io.dinostream.embedder.model.SafeTensors.DType;
import io.dinostream.embedder.model.SafeTensors.FloatTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Naming detection, architecture inference, conversions and error messages (no engine needed). */
class DinoV2WeightsTest {
    private static final LoadOptions HEADS3 = LoadOptions.defaults().withNumHeads(3);

    @TempDir
    Path tmp;

    @Test
    void officialAndHuggingFaceFilesGiveTheSameTensors() throws IOException {
        for (String fixture : new String[] {"tiny", "tiny-reg-swiglu"}) {
            Path dir = ModelFixtures.root().resolve(fixture);
            var official = DinoV2Weights.read(dir.resolve("weights_official.safetensors"), HEADS3);
            var hf = DinoV2Weights.read(dir.resolve("weights_hf.safetensors"), HEADS3);
            assertEquals(Naming.OFFICIAL, official.naming());
            assertEquals(Naming.HUGGING_FACE, hf.naming());
            assertEquals(official.config(), hf.config());
            assertEquals(official.tensors().keySet(), hf.tensors().keySet());
            for (String name : official.tensors().keySet()) {
                assertArrayEquals(
                        official.tensors().get(name).shape(),
                        hf.tensors().get(name).shape(),
                        name);
                assertArrayEquals(
                        official.tensors().get(name).data(),
                        hf.tensors().get(name).data(),
                        name);
            }
        }
    }

    @Test
    void infersTheArchitectureFromTheTensors() throws IOException {
        Path dir = ModelFixtures.root();
        DinoV2Config tiny = DinoV2Weights.read(dir.resolve("tiny/weights_official.safetensors"), HEADS3)
                .config();
        assertEquals(
                new DinoV2Config("custom", 14, 3, 96, 3, 3, 0, FfnType.MLP, 384, 16, true, 1e-6f, 0.1, false), tiny);
        assertEquals(417_696, tiny.parameterCount(), "manifest n_params");

        DinoV2Config reg = DinoV2Weights.read(dir.resolve("tiny-reg-swiglu/weights_hf.safetensors"), HEADS3)
                .config();
        assertEquals(4, reg.numRegisters());
        assertEquals(FfnType.SWIGLU, reg.ffn());
        assertEquals(256, reg.ffnHidden());
        assertEquals(FfnType.SWIGLU.defaultHidden(96), reg.ffnHidden());
        assertEquals(0.0, reg.interpolateOffset(), "register files default to the hub's interpolation");
        assertTrue(reg.interpolateAntialias());
        assertEquals(418_464, reg.parameterCount(), "manifest n_params");

        DinoV2Config s = DinoV2Weights.read(dir.resolve("vits14/weights_official.safetensors"), LoadOptions.defaults())
                .config();
        assertEquals(DinoV2Config.preset("vits14"), s);
        assertEquals(22_056_576, s.parameterCount(), "manifest n_params");
    }

    @Test
    void widthWithoutKnownHeadsNeedsThemExplicitly() {
        Path file = ModelFixtures.root().resolve("tiny/weights_official.safetensors");
        var e = assertThrows(WeightsException.class, () -> DinoV2Weights.read(file, LoadOptions.defaults()));
        assertTrue(e.getMessage().contains("number of heads for width 96"), e.getMessage());
    }

    @Test
    void roundTripsInBothNamingsAndAllFloatTypes() throws IOException {
        var src = DinoV2Weights.read(
                ModelFixtures.root().resolve("tiny-reg-swiglu/weights_official.safetensors"),
                HEADS3.withInterpolation(0.1, false));
        for (Naming naming : Naming.values()) {
            for (DType dtype : new DType[] {DType.F32, DType.F16, DType.BF16}) {
                Path file = tmp.resolve(naming + "-" + dtype + ".safetensors");
                DinoV2Weights.write(file, src.config(), src.tensors(), naming, dtype);
                // metadata carries heads and interpolation: no options needed
                var back = DinoV2Weights.read(file, LoadOptions.defaults());
                assertEquals(naming, back.naming());
                assertEquals(dtype, back.dtype());
                assertEquals(src.config(), back.config());
                for (var e : src.tensors().entrySet()) {
                    float[] want = e.getValue().data().clone();
                    for (int i = 0; i < want.length; i++) {
                        if (dtype == DType.F16) {
                            want[i] = HalfFloats.f16ToFloat(HalfFloats.floatToF16(want[i]));
                        } else if (dtype == DType.BF16) {
                            want[i] = HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(want[i]));
                        }
                    }
                    assertArrayEquals(
                            want, back.tensors().get(e.getKey()).data(), e.getKey() + " " + naming + " " + dtype);
                }
            }
        }
    }

    @Test
    void errorsNameTheMissingUnexpectedOrMisShapedTensor() throws IOException {
        var src = DinoV2Weights.read(ModelFixtures.root().resolve("tiny/weights_official.safetensors"), HEADS3);

        Map<String, FloatTensor> missing = new LinkedHashMap<>(src.tensors());
        missing.remove("blocks.1.attn.proj.bias");
        Path f1 = tmp.resolve("missing.safetensors");
        DinoV2Weights.write(f1, src.config(), missing, Naming.OFFICIAL, DType.F32);
        var e1 = assertThrows(WeightsException.class, () -> DinoV2Weights.read(f1, LoadOptions.defaults()));
        assertTrue(e1.getMessage().contains("missing tensor 'blocks.1.attn.proj.bias'"), e1.getMessage());

        Path f1hf = tmp.resolve("missing-hf.safetensors");
        DinoV2Weights.write(f1hf, src.config(), missing, Naming.HUGGING_FACE, DType.F32);
        var e1hf = assertThrows(WeightsException.class, () -> DinoV2Weights.read(f1hf, LoadOptions.defaults()));
        assertTrue(
                e1hf.getMessage().contains("missing tensor 'encoder.layer.1.attention.output.dense.bias'"),
                e1hf.getMessage());

        Map<String, FloatTensor> extra = new LinkedHashMap<>(src.tensors());
        extra.put("head.weight", new FloatTensor(new long[] {2}, new float[2]));
        Path f2 = tmp.resolve("extra.safetensors");
        DinoV2Weights.write(f2, src.config(), extra, Naming.OFFICIAL, DType.F32);
        var e2 = assertThrows(WeightsException.class, () -> DinoV2Weights.read(f2, LoadOptions.defaults()));
        assertTrue(e2.getMessage().contains("unexpected tensor 'head.weight'"), e2.getMessage());

        Map<String, FloatTensor> shaped = new LinkedHashMap<>(src.tensors());
        shaped.put("blocks.2.norm2.weight", new FloatTensor(new long[] {95}, new float[95]));
        Path f3 = tmp.resolve("shape.safetensors");
        DinoV2Weights.write(f3, src.config(), shaped, Naming.OFFICIAL, DType.F32);
        var e3 = assertThrows(WeightsException.class, () -> DinoV2Weights.read(f3, LoadOptions.defaults()));
        assertTrue(
                e3.getMessage().contains("tensor 'blocks.2.norm2.weight' has shape [95], expected (96)"),
                e3.getMessage());

        // a preset that does not fit
        Path ok = ModelFixtures.root().resolve("tiny/weights_official.safetensors");
        var e4 = assertThrows(
                WeightsException.class,
                () -> DinoV2Weights.read(ok, LoadOptions.defaults().withPreset("vits14")));
        assertTrue(
                e4.getMessage().contains("tensor 'cls_token' has shape [1, 1, 96], expected (1, 1, 384)"),
                e4.getMessage());
    }

    @Test
    void acceptsPrefixedAndChunkedOfficialKeys() throws IOException {
        var src = DinoV2Weights.read(ModelFixtures.root().resolve("tiny/weights_official.safetensors"), HEADS3);
        Map<String, FloatTensor> renamed = new LinkedHashMap<>();
        for (var e : src.tensors().entrySet()) {
            String k =
                    e.getKey().startsWith("blocks.") ? "blocks.0." + e.getKey().substring(7) : e.getKey();
            renamed.put("teacher.backbone." + k, e.getValue());
        }
        Path file = tmp.resolve("chunked.safetensors");
        SafeTensors.write(file, renamed, Map.of(), DType.F32);
        var back = DinoV2Weights.read(file, HEADS3);
        assertEquals(src.config(), back.config());
        assertArrayEquals(
                src.tensors().get("blocks.2.mlp.fc2.weight").data(),
                back.tensors().get("blocks.2.mlp.fc2.weight").data());
    }
}
