package io.dinostream.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import io.dinostream.embedder.model.NativeArrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PyTorch's {@code torch.optim.AdamW} with a learning rate and weight decay per parameter: each step,
 * parameter {@code p} of group {@code g} with gradient {@code grad} becomes
 *
 * <pre>
 * p = p * (1 - lr_g * wd_g)
 * m = b1 m + (1 - b1) grad;   v = b2 v + (1 - b2) grad^2
 * p = p - lr_g * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * </pre>
 *
 * with {@code lr_g = lr * group.lrMultiplier} (0 for the last layer while it is frozen) and {@code wd_g = wd
 * * group.wdMultiplier}, as DINOv2's {@code apply_optim_scheduler} sets them. DJL's own AdamW has one rate
 * for every parameter, which the recipe cannot use.
 *
 * <p>The moments live on the manager given at construction (the trainer's), and are exposed by name for
 * checkpoints. Each step's temporaries are freed by an {@link NDScope}.
 */
public final class AdamW implements AutoCloseable {
    private final Map<String, Parameter> parameters;
    private final Map<String, ParameterGroups.Group> groups;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
    private long steps;

    /**
     * @param parameters the trained parameters by name (their arrays attached)
     * @param groups the multipliers of every parameter, by the same names
     */
    public AdamW(
            NDManager manager,
            Map<String, Parameter> parameters,
            Map<String, ParameterGroups.Group> groups,
            double beta1,
            double beta2,
            double eps) {
        if (!groups.keySet().containsAll(parameters.keySet())) {
            throw new IllegalArgumentException("no group for some parameters");
        }
        this.parameters = parameters;
        this.groups = groups;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            NDArray p = e.getValue().getArray();
            firstMoments.put(e.getKey(), zerosLike(manager, p));
            secondMoments.put(e.getKey(), zerosLike(manager, p));
        }
    }

    private static NDArray zerosLike(NDManager manager, NDArray p) {
        return manager.zeros(p.getShape(), p.getDataType(), p.getDevice());
    }

    /** Steps taken so far (the bias corrections' {@code t}). */
    public long steps() {
        return steps;
    }

    /**
     * One update from the parameters' current gradients.
     *
     * @param lastLayerLr the learning rate of the head's last layer (0 while it is frozen)
     */
    public void step(double lr, double weightDecay, double lastLayerLr) {
        steps++;
        double correction1 = 1 - Math.pow(beta1, steps);
        double correction2 = 1 - Math.pow(beta2, steps);
        try (NDScope scope = new NDScope()) {
            for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
                ParameterGroups.Group group = groups.get(e.getKey());
                NDArray p = e.getValue().getArray();
                NDArray grad = p.getGradient();
                double groupLr = (group.lastLayer() ? lastLayerLr : lr) * group.lrMultiplier();
                double groupWd = weightDecay * group.wdMultiplier();
                if (groupLr * groupWd != 0) {
                    p.muli((float) (1 - groupLr * groupWd));
                }
                NDArray m = firstMoments.get(e.getKey());
                NDArray v = secondMoments.get(e.getKey());
                m.muli((float) beta1).addi(grad.mul((float) (1 - beta1)));
                v.muli((float) beta2).addi(grad.mul(grad).muli((float) (1 - beta2)));
                if (groupLr != 0) {
                    NDArray denominator = v.div((float) correction2).sqrt().addi((float) eps);
                    p.subi(m.div(denominator).muli((float) (groupLr / correction1)));
                }
            }
        }
    }

    /**
     * Sets every gradient to zero. DJL's PyTorch gradient collector accumulates into the gradients and
     * never clears them (unlike a DJL {@code Trainer}), so a training loop must, before each backward.
     */
    public void zeroGradients() {
        try (NDScope scope = new NDScope()) {
            for (Parameter parameter : parameters.values()) {
                // Filled, not subtracted from itself: NaN - NaN stays NaN, and a gradient buffer that once
                // held a non-finite value (or was allocated without being written) would poison every step.
                parameter.getArray().getGradient().set(new NDIndex("..."), 0f);
            }
        }
    }

    /** The moments by name, {@code exp_avg.<name>} and {@code exp_avg_sq.<name>}, for a checkpoint. */
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        firstMoments.forEach((k, v) -> out.put("exp_avg." + k, v));
        secondMoments.forEach((k, v) -> out.put("exp_avg_sq." + k, v));
        return out;
    }

    /** Restores moments and the step count written by {@link #state()}. */
    public void restore(Map<String, float[]> state, long stepCount) {
        for (Map.Entry<String, NDArray> e : state().entrySet()) {
            float[] values = state.get(e.getKey());
            if (values == null || values.length != e.getValue().size()) {
                throw new IllegalArgumentException("optimizer state lacks or mis-sizes " + e.getKey());
            }
            NativeArrays.overwrite(e.getValue(), values);
        }
        this.steps = stepCount;
    }

    /** The gradients of every parameter (handles to close), e.g. for clipping. */
    public static NDList gradients(List<Parameter> parameters) {
        NDList out = new NDList(parameters.size());
        for (Parameter p : parameters) {
            out.add(p.getArray().getGradient());
        }
        return out;
    }

    @Override
    public void close() {
        firstMoments.values().forEach(NDArray::close);
        secondMoments.values().forEach(NDArray::close);
    }
}
