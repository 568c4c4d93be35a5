package io.dinostream.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DinoHeadTest {
    @Test
    void officialParameterNamesAndShapes() {
        DinoHead head = new DinoHead(16, 32, 24, 8);
        Map<String, Parameter> parameters = new LinkedHashMap<>();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        head.collectParameters("", parameters, shapes);
        assertEquals(
                List.of(
                        "mlp.0.weight",
                        "mlp.0.bias",
                        "mlp.2.weight",
                        "mlp.2.bias",
                        "mlp.4.weight",
                        "mlp.4.bias",
                        "last_layer.weight_g",
                        "last_layer.weight_v"),
                List.copyOf(parameters.keySet()));
        assertEquals(new Shape(32, 1), shapes.get("last_layer.weight_g"));
        assertEquals(new Shape(32, 8), shapes.get("last_layer.weight_v"));
        assertEquals(new Shape(24, 16), shapes.get("mlp.0.weight"));
    }

    /**
     * With {@code g = 1} each logit is the cosine between the normalised bottleneck feature and a
     * prototype: computed here by hand from the head's own bottleneck output and {@code v}.
     */
    @Test
    void logitsAreCosinesToThePrototypesAndGradientsFlow() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            DinoHead head = new DinoHead(16, 32, 24, 8);
            head.initializeSeeded(manager, 7);
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(5, 16));
            NDArray logits;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                logits = head.apply(ps, x, true);
                collector.backward(logits.pow(2).sum());
            }
            assertEquals(new Shape(5, 32), logits.getShape());
            float[] values = logits.toFloatArray();
            for (float v : values) {
                assertTrue(Math.abs(v) <= 1 + 1e-5, "a cosine: " + v);
            }
            Map<String, Parameter> parameters = new LinkedHashMap<>();
            head.collectParameters("", parameters, new LinkedHashMap<>());
            for (String name : List.of("mlp.0.weight", "mlp.4.bias", "last_layer.weight_v", "last_layer.weight_g")) {
                NDArray gradient = parameters.get(name).getArray().getGradient();
                assertTrue(gradient.abs().sum().getFloat() > 0, name + " got a gradient");
            }
            // Scaling g scales the logits: W = g v / ||v||.
            NDArray g = parameters.get("last_layer.weight_g").getArray();
            NDArray before = head.apply(ps, x, false);
            g.muli(2);
            assertArrayEquals(
                    before.mul(2).toFloatArray(), head.apply(ps, x, false).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void seededInitialisationIsReproducibleAndTruncated() {
        DinoHead head = new DinoHead(16, 32, 24, 8);
        Map<String, float[]> a = head.initialValues(3);
        Map<String, float[]> b = head.initialValues(3);
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name), b.get(name), name);
        }
        for (float w : a.get("mlp.0.weight")) {
            assertTrue(Math.abs(w) <= 0.04f, "truncated at 2 std: " + w);
        }
        for (float g : a.get("last_layer.weight_g")) {
            assertEquals(1f, g);
        }
    }
}
