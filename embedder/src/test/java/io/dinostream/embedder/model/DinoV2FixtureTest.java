package io.dinostream.embedder.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.dinostream.embedder.model.SafeTensors.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every model output of the official-code fixtures ({@code tiny}, {@code tiny-reg-swiglu}, {@code
 * vits14}; official and Hugging Face names; 224x224 and 154x210 inputs; masked forward; intermediate
 * layers; debug tensors) reproduced within the README's tolerances.
 */
class DinoV2FixtureTest {
    private static final Pattern INTERMEDIATE =
            Pattern.compile("^(.+)\\.intermediate\\.(\\d+)\\.block(\\d+)\\.(patch_tokens|class_token)$");
    private static final Pattern DEBUG_BLOCK = Pattern.compile("^(.+)\\.debug\\.block(\\d+)\\.output$");

    record Actual(long[] shape, float[] data) {}

    static Stream<Arguments> cases() {
        LoadOptions tiny = LoadOptions.defaults().withNumHeads(3);
        // The fixture builds its register model with the plain models' interpolation (offset 0.1, no
        // antialias), unlike the hub's register models (the default for files with registers).
        LoadOptions tinyReg = tiny.withInterpolation(0.1, false);
        return Stream.of(
                Arguments.of("tiny", "weights_official", tiny, 1e-4),
                Arguments.of("tiny", "weights_hf", tiny, 1e-4),
                Arguments.of("tiny-reg-swiglu", "weights_official", tinyReg, 1e-4),
                Arguments.of("tiny-reg-swiglu", "weights_hf", tinyReg, 1e-4),
                Arguments.of("vits14", "weights_official", LoadOptions.defaults(), 2e-4));
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("cases")
    void matchesOfficialOutputs(String fixture, String weights, LoadOptions options, double atol) throws IOException {
        Path dir = ModelFixtures.root().resolve(fixture);
        Map<String, TensorInfo> expectedInfo;
        Map<String, float[]> expected = new LinkedHashMap<>();
        try (SafeTensors.Reader out = SafeTensors.open(dir.resolve("outputs.safetensors"))) {
            expectedInfo = out.tensors();
            for (String name : expectedInfo.keySet()) {
                expected.put(name, out.readFloats(name));
            }
        }
        Map<String, Actual> actual = new LinkedHashMap<>();
        try (DinoV2Model model = DinoV2Model.load(dir.resolve(weights + ".safetensors"), options);
                SafeTensors.Reader in = SafeTensors.open(dir.resolve("inputs.safetensors"))) {
            if (fixture.equals("vits14")) {
                assertEquals("vits14", model.config().name(), "architecture inferred as the vits14 preset");
            }
            for (String input : in.tensors().keySet()) {
                if (input.endsWith("_masks")) {
                    continue;
                }
                TensorInfo xInfo = in.info(input);
                float[] x = in.readFloats(input);
                TensorInfo maskInfo = in.tensors().get(input + "_masks");
                boolean[] masks = maskInfo == null ? null : booleans(in.readBytes(maskInfo.name()));
                actual.putAll(compute(model, input, xInfo.shape(), x, masks, maskInfo, expectedInfo.keySet()));
            }
        }
        assertFalse(actual.isEmpty());
        Map<String, Double> diffs = new TreeMap<>();
        List<String> notComputed = new ArrayList<>();
        for (Map.Entry<String, float[]> e : expected.entrySet()) {
            Actual a = actual.get(e.getKey());
            if (a == null) {
                notComputed.add(e.getKey());
                continue;
            }
            diffs.put(
                    e.getKey(),
                    ModelFixtures.assertClose(
                            fixture + "/" + weights + " " + e.getKey(),
                            expectedInfo.get(e.getKey()).shape(),
                            e.getValue(),
                            a.shape(),
                            a.data(),
                            atol));
        }
        assertEquals(List.of(), notComputed, "every fixture output is checked");
        double max =
                diffs.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        System.out.printf("%s/%s: %d outputs, max abs diff %.3g%n", fixture, weights, diffs.size(), max);
        diffs.forEach((k, v) -> System.out.printf("  %-50s %.3g%n", k, v));
    }

    private static Map<String, Actual> compute(
            DinoV2Model model,
            String input,
            long[] shape,
            float[] x,
            boolean[] masks,
            TensorInfo maskInfo,
            Iterable<String> outputNames) {
        return model.withEngine((mgr, ps, vit) -> {
            Map<String, Actual> r = new LinkedHashMap<>();
            NDArray xa = mgr.create(x, new Shape(shape));
            FeatureOutputs f = vit.forwardFeatures(ps, xa, null, false);
            put(r, input + ".x_norm_clstoken", f.clsToken());
            put(r, input + ".forward", f.clsToken());
            put(r, input + ".x_norm_patchtokens", f.patchTokens());
            put(r, input + ".x_prenorm", f.prenorm());
            if (vit.config().numRegisters() > 0) {
                put(r, input + ".x_norm_regtokens", f.regTokens());
            }
            put(r, input + ".debug.patch_embed", vit.patchEmbed(ps, xa, false));
            put(
                    r,
                    input + ".debug.pos_embed_used",
                    vit.interpolatePosEncoding(ps, xa, (int) shape[2], (int) shape[3], false));
            put(r, input + ".debug.prepare_tokens", vit.prepareTokens(ps, xa, null, false));

            Map<Integer, String> intermediateJ = new TreeMap<>();
            List<Integer> debugBlocks = new ArrayList<>();
            for (String name : outputNames) {
                Matcher m = INTERMEDIATE.matcher(name);
                if (m.matches() && m.group(1).equals(input)) {
                    intermediateJ.put(Integer.parseInt(m.group(3)), m.group(2));
                }
                Matcher d = DEBUG_BLOCK.matcher(name);
                if (d.matches() && d.group(1).equals(input)) {
                    debugBlocks.add(Integer.parseInt(d.group(2)));
                }
            }
            if (!intermediateJ.isEmpty()) {
                // The fixtures use get_intermediate_layers(n=len) : the last n blocks.
                List<IntermediateLayer> layers = vit.intermediateLayers(ps, xa, intermediateJ.size(), true);
                for (IntermediateLayer layer : layers) {
                    String j = intermediateJ.get(layer.block());
                    String base = input + ".intermediate." + j + ".block" + layer.block();
                    put(r, base + ".patch_tokens", layer.patchTokens());
                    put(r, base + ".class_token", layer.classToken());
                }
            }
            if (!debugBlocks.isEmpty()) {
                int[] idx = debugBlocks.stream()
                        .mapToInt(Integer::intValue)
                        .sorted()
                        .toArray();
                List<NDArray> outs = vit.blockOutputs(ps, xa, null, idx, false);
                for (int i = 0; i < idx.length; i++) {
                    put(r, input + ".debug.block" + idx[i] + ".output", outs.get(i));
                }
            }
            if (masks != null) {
                NDArray m = mgr.create(masks, new Shape(maskInfo.shape()));
                FeatureOutputs fm = vit.forwardFeatures(ps, xa, m, false);
                put(r, input + "_masked.x_norm_clstoken", fm.clsToken());
                put(r, input + "_masked.x_norm_patchtokens", fm.patchTokens());
            }
            return r;
        });
    }

    private static void put(Map<String, Actual> r, String name, NDArray a) {
        r.put(name, new Actual(a.getShape().getShape(), a.toFloatArray()));
    }

    private static boolean[] booleans(ByteBuffer bytes) {
        boolean[] out = new boolean[bytes.remaining()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes.get(i) != 0;
        }
        return out;
    }
}
