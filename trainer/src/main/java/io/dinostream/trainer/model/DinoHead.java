package io.dinostream.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.dinostream.embedder.model.Dense;
import io.dinostream.embedder.model.DinoLayer;
import io.dinostream.embedder.model.NativeArrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The DINO head ({@code dinov2/layers/dino_head.py}): a 3-layer MLP with exact GELU to a bottleneck,
 * L2-normalised (eps 1e-12), then a weight-normalised linear layer without bias onto the prototypes:
 * {@code W = g * v / ||v||} per prototype, with {@code g} initialised to 1, so that at the start every
 * logit is the cosine between the bottleneck feature and a prototype. Parameter names are the official
 * ones ({@code mlp.0}, {@code mlp.2}, {@code mlp.4}, {@code last_layer.weight_g}, {@code last_layer.weight_v}).
 */
public final class DinoHead extends DinoLayer {
    static final float NORMALISE_EPS = 1e-12f;
    /** Added to squared norms before the square root: far below float32 resolution of any real norm. */
    static final float TINY = 1e-30f;

    private final int inDim;
    private final int hiddenDim;
    private final int bottleneckDim;
    private final int prototypes;
    private final Dense first;
    private final Dense second;
    private final Dense third;
    private final LastLayer last;

    public DinoHead(int inDim, int prototypes, int hiddenDim, int bottleneckDim) {
        this.inDim = inDim;
        this.hiddenDim = hiddenDim;
        this.bottleneckDim = bottleneckDim;
        this.prototypes = prototypes;
        this.first = child("mlp.0", new Dense(inDim, hiddenDim, true));
        this.second = child("mlp.2", new Dense(hiddenDim, hiddenDim, true));
        this.third = child("mlp.4", new Dense(hiddenDim, bottleneckDim, true));
        this.last = child("last_layer", new LastLayer());
    }

    /** Holds the prototypes' parameters under the official {@code last_layer.} prefix. */
    private final class LastLayer extends DinoLayer {
        final Parameter weightG = param("weight_g", Parameter.Type.WEIGHT, new Shape(prototypes, 1));
        final Parameter weightV = param("weight_v", Parameter.Type.WEIGHT, new Shape(prototypes, bottleneckDim));

        @Override
        public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
            NDArray g = value(ps, weightG, x, training);
            NDArray v = value(ps, weightV, x, training);
            // The tiny term under the root keeps the gradient finite for an all-zero row (sqrt'(0) is infinite).
            NDArray w =
                    v.mul(g).div(v.square().sum(new int[] {1}, true).add(TINY).sqrt());
            return x.matMul(w.transpose());
        }
    }

    @Override
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = Activation.gelu(first.apply(ps, x, training));
        h = Activation.gelu(second.apply(ps, h, training));
        NDArray bottleneck = third.apply(ps, h, training);
        NDArray norms =
                bottleneck.square().sum(new int[] {-1}, true).add(TINY).sqrt().clip(NORMALISE_EPS, Float.MAX_VALUE);
        return last.apply(ps, bottleneck.div(norms), training);
    }

    /**
     * Seeded initial values, as the reference initialises: MLP weights truncated normal (std 0.02, cut at
     * +-2 std), biases 0; {@code v} as {@code nn.Linear}'s default (uniform in +-1/sqrt(bottleneck)), since
     * the reference applies its init before creating the last layer; {@code g} = 1.
     */
    public Map<String, float[]> initialValues(long seed) {
        Random random = new Random(seed);
        Map<String, float[]> values = new LinkedHashMap<>();
        int[][] shapes = {{hiddenDim, inDim}, {hiddenDim, hiddenDim}, {bottleneckDim, hiddenDim}};
        String[] names = {"mlp.0", "mlp.2", "mlp.4"};
        for (int i = 0; i < names.length; i++) {
            float[] w = new float[shapes[i][0] * shapes[i][1]];
            for (int j = 0; j < w.length; j++) {
                double z;
                do {
                    z = random.nextGaussian();
                } while (Math.abs(z) > 2);
                w[j] = (float) (0.02 * z);
            }
            values.put(names[i] + ".weight", w);
            values.put(names[i] + ".bias", new float[shapes[i][0]]);
        }
        float[] g = new float[prototypes];
        java.util.Arrays.fill(g, 1f);
        values.put("last_layer.weight_g", g);
        float bound = (float) (1 / Math.sqrt(bottleneckDim));
        float[] v = new float[prototypes * bottleneckDim];
        for (int j = 0; j < v.length; j++) {
            v[j] = (random.nextFloat() * 2 - 1) * bound;
        }
        values.put("last_layer.weight_v", v);
        return values;
    }

    /** Gives every parameter its seeded initial array on {@code manager}, ready for training. */
    public void initializeSeeded(NDManager manager, long seed) {
        Map<String, Parameter> parameters = new LinkedHashMap<>();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        collectParameters("", parameters, shapes);
        Map<String, float[]> values = initialValues(seed);
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            NDArray array = NativeArrays.create(manager, values.get(e.getKey()), shapes.get(e.getKey()));
            array.setRequiresGradient(true);
            e.getValue().setArray(array);
        }
    }

    public int prototypes() {
        return prototypes;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {in.slice(0, in.dimension() - 1).add(prototypes)};
    }
}
