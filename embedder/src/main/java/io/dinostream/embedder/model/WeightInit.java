package io.dinostream.embedder.model;

import ai.djl.ndarray.types.Shape;
import io.dinostream.embedder.model.SafeTensors.FloatTensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded random weights. Each parameter draws from its own generator, seeded from the model seed and
 * the parameter's official name, with a Box-Muller normal built on {@link SplittableRandom#nextLong()}
 * (a specified algorithm): the same seed gives bit-identical weights on every run and JDK.
 */
public final class WeightInit {
    private WeightInit() {}

    /** Initialisation schemes. */
    public enum Scheme {
        /**
         * Random but useful features, for the demo model until a trained one exists: Linear and conv
         * weights {@code N(0,1)/sqrt(fan_in)} (unit-variance activations), biases 0, LayerNorm 1/0,
         * LayerScale gamma 1, class/register/positional tokens {@code 0.02 N(0,1)}, mask token 0.
         * Every block contributes fully, so different images give clearly different class tokens (the
         * training scheme's LayerScale 1e-5 would make the class token nearly image-independent).
         */
        RANDOM_FEATURES,
        /**
         * The official DINOv2 training initialisation: Linear weights {@code N(0, 0.02²)} (timm's
         * trunc_normal with absolute bounds ±2 is a no-op at that std), biases 0, patch-embedding conv
         * PyTorch default {@code U(±1/sqrt(fan_in))} for weight and bias, {@code pos_embed} {@code
         * N(0, 0.02²)}, class and register tokens {@code N(0, 1e-12)}, mask token 0, LayerNorm 1/0,
         * LayerScale gamma {@code 1e-5}.
         */
        OFFICIAL_TRAINING
    }

    /** Random tensors for every parameter of {@code config}, under official names. */
    public static Map<String, FloatTensor> random(DinoV2Config config, long seed, Scheme scheme) {
        DinoVisionTransformer layout = new DinoVisionTransformer(config);
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : layout.parameterShapes().entrySet()) {
            String name = e.getKey();
            long[] shape = e.getValue().getShape();
            SplittableRandom rng = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (name.hashCode() + 0x632BE5ABL)));
            out.put(name, new FloatTensor(shape, values(config, name, shape, rng, scheme)));
        }
        return out;
    }

    private static float[] values(DinoV2Config config, String name, long[] shape, SplittableRandom rng, Scheme scheme) {
        int n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, (int) d);
        }
        float[] v = new float[n];
        boolean training = scheme == Scheme.OFFICIAL_TRAINING;
        if (name.equals("mask_token")) {
            return v;
        }
        if (name.equals("cls_token") || name.equals("register_tokens")) {
            normal(v, rng, training ? 1e-6 : 0.02);
        } else if (name.equals("pos_embed")) {
            normal(v, rng, 0.02);
        } else if (name.endsWith(".gamma")) {
            fill(v, training ? 1e-5f : 1f);
        } else if (name.startsWith("patch_embed.proj.")) {
            double bound = 1.0 / Math.sqrt((double) config.inChans() * config.patchSize() * config.patchSize());
            if (training) {
                uniform(v, rng, bound);
            } else if (name.endsWith("weight")) {
                normal(v, rng, bound);
            }
        } else if (isNormWeight(name)) {
            fill(v, 1f);
        } else if (name.endsWith(".bias")) {
            return v;
        } else if (name.endsWith(".weight") && shape.length == 2) {
            normal(v, rng, training ? 0.02 : 1.0 / Math.sqrt(shape[1]));
        } else {
            throw new IllegalStateException("no initialisation rule for parameter '" + name + "'");
        }
        return v;
    }

    private static boolean isNormWeight(String name) {
        return name.equals("norm.weight") || name.endsWith(".norm1.weight") || name.endsWith(".norm2.weight");
    }

    private static void fill(float[] v, float value) {
        java.util.Arrays.fill(v, value);
    }

    private static void uniform(float[] v, SplittableRandom rng, double bound) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((2 * unit(rng) - 1) * bound);
        }
    }

    private static void normal(float[] v, SplittableRandom rng, double std) {
        for (int i = 0; i < v.length; i += 2) {
            double u1 = unit(rng);
            double u2 = unit(rng);
            double r = Math.sqrt(-2 * Math.log(1 - u1)); // 1-u1 in (0, 1]
            v[i] = (float) (std * r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < v.length) {
                v[i + 1] = (float) (std * r * Math.sin(2 * Math.PI * u2));
            }
        }
    }

    private static double unit(SplittableRandom rng) {
        return (rng.nextLong() >>> 11) * 0x1.0p-53;
    }
}
