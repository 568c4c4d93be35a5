package io.dinostream.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {
    /**
     * Three steps with fixed gradients against {@code torch.optim.AdamW}'s update written out in double
     * precision: a decayed weight at half the learning rate, a bias without decay, and a last layer whose
     * rate is 0 (frozen: unchanged). Gradients are cleared by {@link AdamW#zeroGradients()}.
     */
    @Test
    void matchesTorchAdamWPerGroup() {
        float[] w0 = {0.5f, -1.0f, 2.0f};
        float[] b0 = {0.1f, -0.2f};
        float[] l0 = {1.5f};
        float[][] gw = {{0.1f, -0.3f, 0.2f}, {0.05f, 0.1f, -0.4f}, {-0.2f, 0.0f, 0.3f}};
        float[][] gb = {{1f, -1f}, {0.5f, 0.5f}, {-0.1f, 0.2f}};
        double lr = 0.01;
        double wd = 0.1;
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Map<String, Parameter> params = new LinkedHashMap<>();
            params.put("w", parameter(manager, "w", w0));
            params.put("b", parameter(manager, "b", b0));
            params.put("last", parameter(manager, "last", l0));
            Map<String, ParameterGroups.Group> groups = new LinkedHashMap<>();
            groups.put("w", new ParameterGroups.Group("w", 0.5, 1, false));
            groups.put("b", new ParameterGroups.Group("b", 1, 0, false));
            groups.put("last", new ParameterGroups.Group("last", 1, 1, true));
            double[] w = toDouble(w0);
            double[] b = toDouble(b0);
            double[][] mw = new double[2][3];
            double[][] mb = new double[2][2];
            try (AdamW adamw = new AdamW(manager, params, groups, 0.9, 0.999, 1e-8)) {
                for (int t = 1; t <= 3; t++) {
                    adamw.zeroGradients();
                    // loss = sum(w * gw) + sum(b * gb) + 0.7 last: its gradients are the given ones.
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = params.get("w")
                                .getArray()
                                .mul(manager.create(gw[t - 1]))
                                .sum()
                                .add(params.get("b")
                                        .getArray()
                                        .mul(manager.create(gb[t - 1]))
                                        .sum())
                                .add(params.get("last").getArray().mul(0.7f).sum());
                        collector.backward(loss);
                    }
                    assertArrayEquals(
                            gw[t - 1],
                            params.get("w").getArray().getGradient().toFloatArray(),
                            1e-7f,
                            "gradients cleared between steps");
                    adamw.step(lr, wd, 0);
                    reference(w, mw, gw[t - 1], lr * 0.5, wd, t);
                    reference(b, mb, gb[t - 1], lr, 0, t);
                }
                assertArrayEquals(toFloat(w), params.get("w").getArray().toFloatArray(), 1e-6f);
                assertArrayEquals(toFloat(b), params.get("b").getArray().toFloatArray(), 1e-6f);
                assertArrayEquals(l0, params.get("last").getArray().toFloatArray(), 0f);
                assertEquals(3, adamw.steps());
            }
        }
    }

    private static void reference(double[] p, double[][] moments, float[] g, double lr, double wd, int t) {
        for (int i = 0; i < p.length; i++) {
            p[i] *= 1 - lr * wd;
            moments[0][i] = 0.9 * moments[0][i] + 0.1 * g[i];
            moments[1][i] = 0.999 * moments[1][i] + 0.001 * g[i] * g[i];
            double mHat = moments[0][i] / (1 - Math.pow(0.9, t));
            double denominator = Math.sqrt(moments[1][i] / (1 - Math.pow(0.999, t))) + 1e-8;
            p[i] -= lr * mHat / denominator;
        }
    }

    private static Parameter parameter(NDManager manager, String name, float[] values) {
        Parameter p =
                Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        NDArray array = manager.create(values);
        array.setRequiresGradient(true);
        p.setArray(array);
        return p;
    }

    private static double[] toDouble(float[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    private static float[] toFloat(double[] a) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) a[i];
        }
        return out;
    }
}
