package io.dinostream.trainer.eval;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.dinostream.trainer.optim.AdamW;
import io.dinostream.trainer.optim.ParameterGroups;
import io.dinostream.trainer.schedule.CosineSchedule;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The linear evaluation of frozen features: a softmax-regression layer ({@code W x + b}) trained on the
 * train features with cross-entropy, AdamW and a cosine learning rate, in seeded mini-batches; top-1 on
 * the train and test features. (DINO's {@code eval_linear} trains the same kind of layer with SGD on
 * augmented crops; on fixed features this is the cheap, deterministic equivalent.)
 */
public final class LinearProbe {
    private static final int BATCH = 1024;
    private static final double LEARNING_RATE = 0.01;

    /** Accuracies in percent. */
    public record Result(double trainTop1, double testTop1, double learningRate) {}

    private LinearProbe() {}

    public static Result train(NDManager parent, Features train, Features test, int epochs, long seed) {
        int classes = 0;
        for (int label : train.labels()) {
            classes = Math.max(classes, label + 1);
        }
        int d = train.dim();
        int n = train.size();
        try (NDManager manager = parent.newSubManager()) {
            Random random = new Random(seed);
            float[] w0 = new float[classes * d];
            for (int i = 0; i < w0.length; i++) {
                w0[i] = (float) (random.nextGaussian() * 0.01);
            }
            Parameter weight = parameter(manager, "weight", manager.create(w0, new Shape(classes, d)));
            Parameter bias = parameter(manager, "bias", manager.zeros(new Shape(classes)));
            Map<String, Parameter> parameters = new LinkedHashMap<>();
            parameters.put("weight", weight);
            parameters.put("bias", bias);
            Map<String, ParameterGroups.Group> groups = new LinkedHashMap<>();
            groups.put("weight", new ParameterGroups.Group("weight", 1, 1, false));
            groups.put("bias", new ParameterGroups.Group("bias", 1, 0, false));
            NDArray x = manager.create(KnnClassifier.flatten(train.vectors()), new Shape(n, d));
            NDArray y = manager.create(train.labels());
            int perEpoch = (n + BATCH - 1) / BATCH;
            CosineSchedule lr = CosineSchedule.cosine(LEARNING_RATE, 0, (long) epochs * perEpoch);
            try (AdamW optimizer = new AdamW(manager, parameters, groups, 0.9, 0.999, 1e-8)) {
                long step = 0;
                int[] order = new int[n];
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
                for (int epoch = 0; epoch < epochs; epoch++) {
                    shuffle(order, random);
                    for (int start = 0; start < n; start += BATCH) {
                        int count = Math.min(BATCH, n - start);
                        long[] rows = new long[count];
                        for (int i = 0; i < count; i++) {
                            rows[i] = order[start + i];
                        }
                        optimizer.zeroGradients();
                        try (NDScope scope = new NDScope()) {
                            NDArray index = manager.create(rows);
                            NDArray xb = x.get(new ai.djl.ndarray.index.NDIndex("{}", index));
                            NDArray yb = y.get(new ai.djl.ndarray.index.NDIndex("{}", index));
                            try (GradientCollector collector =
                                    Engine.getInstance().newGradientCollector()) {
                                NDArray logits =
                                        xb.matMul(weight.getArray().transpose()).add(bias.getArray());
                                NDArray loss = logits.logSoftmax(1)
                                        .mul(yb.oneHot(classes).toType(DataType.FLOAT32, false))
                                        .sum(new int[] {1})
                                        .mean()
                                        .neg();
                                collector.backward(loss);
                            }
                        }
                        double rate = lr.at(step++);
                        optimizer.step(rate, 1e-4, rate);
                    }
                }
                return new Result(
                        accuracy(manager, weight, bias, train), accuracy(manager, weight, bias, test), LEARNING_RATE);
            }
        }
    }

    private static Parameter parameter(NDManager manager, String name, NDArray value) {
        Parameter p =
                Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        value.setRequiresGradient(true);
        p.setArray(value);
        return p;
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    private static double accuracy(NDManager manager, Parameter weight, Parameter bias, Features features) {
        try (NDScope scope = new NDScope()) {
            NDArray x = manager.create(
                    KnnClassifier.flatten(features.vectors()), new Shape(features.size(), features.dim()));
            long[] predicted = x.matMul(weight.getArray().transpose())
                    .add(bias.getArray())
                    .argMax(1)
                    .toLongArray();
            int correct = 0;
            for (int i = 0; i < predicted.length; i++) {
                if (predicted[i] == features.labels()[i]) {
                    correct++;
                }
            }
            return 100.0 * correct / predicted.length;
        }
    }
}
