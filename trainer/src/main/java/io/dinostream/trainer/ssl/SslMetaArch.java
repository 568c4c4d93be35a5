package io.dinostream.trainer.ssl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.dinostream.embedder.model.FeatureOutputs;
import io.dinostream.embedder.model.ScalarOps;
import io.dinostream.embedder.model.TransformerBlock;
import io.dinostream.trainer.config.TrainConfig;
import io.dinostream.trainer.data.SslBatch;
import io.dinostream.trainer.ema.TeacherEma;
import io.dinostream.trainer.loss.DinoClsLoss;
import io.dinostream.trainer.loss.IBotPatchLoss;
import io.dinostream.trainer.loss.KoLeoLoss;
import io.dinostream.trainer.optim.AdamW;
import io.dinostream.trainer.optim.GradientClipping;
import io.dinostream.trainer.optim.ParameterGroups;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DINOv2's {@code SSLMetaArch}: a student and an EMA teacher (backbone + shared DINO/iBOT head), and one
 * training step, {@link #step}, as the reference's {@code forward_backward} followed by the optimizer and
 * teacher updates:
 *
 * <ol>
 *   <li>teacher on the 2 global crops (no gradients): CLS logits, swapped between the crops, and the
 *       logits of the patches the student sees masked; targets by Sinkhorn-Knopp or centering;
 *   <li>student on the masked global crops and on the local crops (stochastic depth on);
 *   <li>DINO loss of local CLS against both teacher crops and of global CLS against the other crop
 *       (weighted 2), each divided by the number of pairs; KoLeo on each global crop's CLS tokens; iBOT on
 *       the masked patches;
 *   <li>backward; global-norm clipping of backbone and head separately; AdamW with per-group rates; EMA
 *       of the teacher.
 * </ol>
 *
 * <p>Owns the optimizer and centering state on the manager it was given; every step's arrays are freed by
 * an {@link NDScope}.
 */
public final class SslMetaArch implements AutoCloseable {
    private final NDManager manager;
    private final TrainConfig config;
    private final SslNetwork student;
    private final SslNetwork teacher;
    private final SslNetwork ema;
    private final boolean maskStudent;
    private final AdamW optimizer;
    private final TeacherTargets targets;
    private final DinoClsLoss dinoLoss;
    private final IBotPatchLoss ibotLoss;
    private final KoLeoLoss koleoLoss = new KoLeoLoss();
    private final ParameterStore parameterStore;
    private final List<Parameter> backboneParameters;
    private final List<Parameter> headParameters;
    private long skippedSteps;
    private String lastSkipCause = "none";

    /** Self-supervised training: the teacher is the EMA of the student, the student sees masked crops. */
    public static SslMetaArch selfDistillation(
            NDManager manager, TrainConfig config, SslNetwork student, SslNetwork teacher) {
        return new SslMetaArch(manager, config, student, teacher, teacher, true);
    }

    /**
     * Distillation (the paper's section 5): a frozen teacher, the student sees whole crops (iBOT on all
     * patches of the global crops, as the batch's masks select), no stochastic depth, and the EMA of the
     * student, {@code ema}, is the result.
     */
    public static SslMetaArch distillation(
            NDManager manager, TrainConfig config, SslNetwork student, SslNetwork frozenTeacher, SslNetwork ema) {
        return new SslMetaArch(manager, config, student, frozenTeacher, ema, false);
    }

    private SslMetaArch(
            NDManager manager,
            TrainConfig config,
            SslNetwork student,
            SslNetwork teacher,
            SslNetwork ema,
            boolean maskStudent) {
        this.manager = manager;
        this.config = config;
        this.student = student;
        this.teacher = teacher;
        this.ema = ema;
        this.maskStudent = maskStudent;
        this.parameterStore = new ParameterStore(manager, false);
        TrainConfig.OptimSpec o = config.optim();
        Map<String, ParameterGroups.Group> groups = new LinkedHashMap<>();
        int depth = config.model().depth();
        student.parameters()
                .keySet()
                .forEach(name -> groups.put(
                        name,
                        name.startsWith(SslNetwork.BACKBONE)
                                ? ParameterGroups.of(
                                        name.substring(SslNetwork.BACKBONE.length()),
                                        depth,
                                        o.layerDecay(),
                                        o.patchEmbedLrMult())
                                : ParameterGroups.of(name, 0, o.layerDecay(), o.patchEmbedLrMult())));
        this.optimizer = new AdamW(manager, student.parameters(), groups, o.beta1(), o.beta2(), 1e-8);
        this.targets = new TeacherTargets(
                manager, config.loss().sinkhornKnopp(), config.head().prototypes(), (float)
                        config.loss().centerMomentum());
        this.dinoLoss = new DinoClsLoss((float) config.loss().studentTemp());
        this.ibotLoss = new IBotPatchLoss((float) config.loss().studentTemp());
        this.backboneParameters =
                new ArrayList<>(student.parameters(SslNetwork.BACKBONE).values());
        this.headParameters =
                new ArrayList<>(student.parameters(SslNetwork.HEAD).values());
        setDropPath(student, maskStudent ? config.model().dropPathRate() : 0);
    }

    /** The reference's linearly increasing rates, {@code linspace(0, rate, depth)}. */
    static void setDropPath(SslNetwork network, double rate) {
        List<TransformerBlock> blocks = network.backbone().blocks();
        for (int i = 0; i < blocks.size(); i++) {
            blocks.get(i).setDropPathRate(blocks.size() == 1 ? (float) rate : (float) (rate * i / (blocks.size() - 1)));
        }
    }

    public SslNetwork student() {
        return student;
    }

    public SslNetwork teacher() {
        return teacher;
    }

    /** The network that follows the student by EMA: the teacher, or the distilled result. */
    public SslNetwork ema() {
        return ema;
    }

    /** Whether the EMA network is a third one (distillation), to be saved as well. */
    public boolean separateEma() {
        return ema != teacher;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    public TeacherTargets targets() {
        return targets;
    }

    /**
     * One iteration.
     *
     * @param randomSeed seeds the engine's generator (stochastic depth) so the step is reproducible
     */
    public StepLosses step(SslBatch batch, StepSchedule schedule, int randomSeed) {
        return step(batch, schedule, randomSeed, new StepTimer());
    }

    /** As {@link #step(SslBatch, StepSchedule, int)}, charging each phase's time to {@code timer}. */
    public StepLosses step(SslBatch batch, StepSchedule schedule, int randomSeed, StepTimer timer) {
        timer.start();
        Engine.getInstance().setRandomSeed(randomSeed);
        StepLosses losses;
        try (NDScope scope = new NDScope()) {
            int b = batch.images();
            NDArray global =
                    manager.create(batch.global(), new Shape(2L * b, 3, batch.globalSize(), batch.globalSize()));
            NDArray local = batch.localCrops() > 0
                    ? manager.create(
                            batch.local(),
                            new Shape((long) batch.localCrops() * b, 3, batch.localSize(), batch.localSize()))
                    : null;
            boolean[][] maskRows = batch.masks().masks();
            long patches = maskRows[0].length;
            boolean[] flat = new boolean[maskRows.length * (int) patches];
            for (int i = 0; i < maskRows.length; i++) {
                System.arraycopy(maskRows[i], 0, flat, i * (int) patches, (int) patches);
            }
            NDArray masks = manager.create(flat, new Shape(maskRows.length, patches));
            int masked = batch.masks().maskedPatches();
            NDArray maskIndices = masked > 0 ? manager.create(batch.masks().maskedIndices()) : null;
            NDArray maskWeights = masked > 0 ? manager.create(batch.masks().weights()) : null;
            float teacherTemp = (float) schedule.teacherTemp();
            timer.lap(StepTimer.Phase.INPUT);

            // Teacher: outside the gradient collector, so nothing is recorded.
            FeatureOutputs t = teacher.backbone().forwardFeatures(parameterStore, global, null, false);
            NDArray teacherCls = NDArrays.concat(
                    new NDList(t.clsToken().get(b + ":"), t.clsToken().get(":" + b)));
            NDArray teacherIn = masked > 0
                    ? NDArrays.concat(new NDList(teacherCls, gatherPatches(t.patchTokens(), maskIndices)))
                    : teacherCls;
            NDArray teacherLogits = teacher.head().apply(parameterStore, teacherIn, false);
            NDArray clsTargets = targets.cls(teacherLogits.get(":" + 2 * b), teacherTemp);
            NDArray patchTargets = masked > 0 ? targets.patches(teacherLogits.get(2 * b + ":"), teacherTemp) : null;
            timer.lap(StepTimer.Phase.TEACHER);

            TrainConfig.LossSpec w = config.loss();
            double localTerms = 2.0 * batch.localCrops();
            double globalTerms = 2.0;
            NDArray total;
            NDArray dinoLocal = null;
            NDArray dinoGlobal;
            NDArray koleo = null;
            NDArray ibot = null;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                FeatureOutputs sg =
                        student.backbone().forwardFeatures(parameterStore, global, maskStudent ? masks : null, true);
                NDArray studentIn = masked > 0
                        ? NDArrays.concat(new NDList(sg.clsToken(), gatherPatches(sg.patchTokens(), maskIndices)))
                        : sg.clsToken();
                NDArray studentLogits = student.head().apply(parameterStore, studentIn, true);
                NDArray studentLocal = null;
                if (local != null) {
                    FeatureOutputs sl = student.backbone().forwardFeatures(parameterStore, local, null, true);
                    studentLocal = student.head().apply(parameterStore, sl.clsToken(), true);
                }
                timer.lap(StepTimer.Phase.STUDENT_FORWARD);

                NDArray studentGlobalCls = studentLogits.get(":" + 2 * b);
                dinoGlobal = ScalarOps.mul(dinoLoss.loss(List.of(studentGlobalCls), List.of(clsTargets)), (float)
                        (2.0 / (globalTerms + localTerms)));
                total = ScalarOps.mul(dinoGlobal, (float) w.dinoWeight());
                if (studentLocal != null) {
                    dinoLocal = ScalarOps.div(
                            dinoLoss.loss(chunks(studentLocal, batch.localCrops()), chunks(clsTargets, 2)),
                            (float) (globalTerms + localTerms));
                    total = total.add(ScalarOps.mul(dinoLocal, (float) w.dinoWeight()));
                }
                if (w.koleoWeight() > 0) {
                    NDList perCrop = sg.clsToken().split(2);
                    koleo = ScalarOps.mul(koleoLoss.loss(perCrop.get(0)).add(koleoLoss.loss(perCrop.get(1))), (float)
                            w.koleoWeight());
                    total = total.add(koleo);
                }
                if (masked > 0 && w.ibotWeight() > 0) {
                    // loss_scales 2 times ibot_loss_scale 1/2, as the reference.
                    ibot = ibotLoss.maskedLoss(studentLogits.get(2 * b + ":"), patchTargets, masks, null, maskWeights);
                    total = total.add(ScalarOps.mul(ibot, (float) w.ibotWeight()));
                }
                timer.lap(StepTimer.Phase.LOSSES);
                collector.backward(total);
                timer.lap(StepTimer.Phase.BACKWARD);
            }
            double backboneNorm = clip(backboneParameters);
            double headNorm = clip(headParameters);
            // The backbone's norm is the one logged; a non-finite head norm takes its place, so that a
            // non-finite gradient anywhere skips the step below.
            double gradNorm = Double.isFinite(headNorm) ? backboneNorm : headNorm;
            losses = new StepLosses(
                    total.getFloat(),
                    dinoLocal == null ? 0 : dinoLocal.getFloat(),
                    dinoGlobal.getFloat(),
                    koleo == null ? 0 : koleo.getFloat(),
                    ibot == null ? 0 : ibot.getFloat(),
                    gradNorm);
        }
        if (Double.isFinite(losses.gradNorm())) {
            optimizer.step(schedule.lr(), schedule.weightDecay(), schedule.lastLayerLr());
            TeacherEma.update(ema.parameters(), student.parameters(), schedule.teacherMomentum());
        } else {
            // A non-finite gradient would poison the weights and the moments: the step is skipped (as
            // mixed-precision loss scaling does) and reported through the NaN gradient norm.
            skippedSteps++;
            lastSkipCause = firstNonFiniteGradient();
        }
        // Cleared here rather than before the next backward, so that the optimizer phase owns the cost.
        optimizer.zeroGradients();
        timer.lap(StepTimer.Phase.OPTIMIZER);
        return losses;
    }

    /** Steps whose update was skipped because a gradient was not finite. */
    public long skippedSteps() {
        return skippedSteps;
    }

    /** The first parameter with a non-finite gradient at the last skipped step, for the log. */
    public String lastSkipCause() {
        return lastSkipCause;
    }

    private String firstNonFiniteGradient() {
        try (NDScope scope = new NDScope()) {
            for (Map.Entry<String, Parameter> e : student.parameters().entrySet()) {
                NDArray grad = e.getValue().getArray().getGradient();
                if (!Float.isFinite(grad.abs().sum().getFloat())) {
                    return e.getKey();
                }
            }
        }
        return "none";
    }

    /** Rows {@code indices} of the patch tokens flattened to {@code (B * N, D)}. */
    private static NDArray gatherPatches(NDArray patchTokens, NDArray indices) {
        Shape s = patchTokens.getShape();
        return patchTokens.reshape(s.get(0) * s.get(1), s.get(2)).get(new NDIndex("{}", indices));
    }

    private static List<NDArray> chunks(NDArray x, int n) {
        return new ArrayList<>(x.split(n));
    }

    private double clip(List<Parameter> parameters) {
        double clipAt = config.optim().clipGrad();
        try (NDList gradients = AdamW.gradients(parameters)) {
            return GradientClipping.clipGlobalNorm(gradients, clipAt > 0 ? clipAt : Double.POSITIVE_INFINITY);
        }
    }

    @Override
    public void close() {
        optimizer.close();
        targets.close();
    }
}
