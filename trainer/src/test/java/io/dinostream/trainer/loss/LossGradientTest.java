package io.dinostream.trainer.loss;

import static io.dinostream.trainer.loss.LossFixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The losses take part in autograd: gradients reach the student's logits and features, finite, and for the
 * DINO loss equal the closed form {@code (softmax(s / T) - t) / (T * B)} of one (student, teacher) pair.
 */
class LossGradientTest {
    @Test
    void dinoLossGradientIsTheClosedForm() throws Exception {
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                LossFixtures fixtures = new LossFixtures(manager)) {
            NDArray student = fixtures.input("dino.student_global_logits");
            NDArray teacher = SinkhornKnopp.assign(fixtures.input("dino.teacher_logits"), 0.07f, 8, 3);
            student.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(new DinoClsLoss(0.1f).loss(List.of(student), List.of(teacher)));
            }
            NDArray expected =
                    student.stopGradient().div(0.1f).softmax(-1).sub(teacher).div(0.1f * 8);
            assertClose("dL/ds", expected, student.getGradient());
        }
    }

    @Test
    void ibotAndKoLeoGradientsReachTheStudent() throws Exception {
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                LossFixtures fixtures = new LossFixtures(manager)) {
            NDArray studentMasked = fixtures.input("ibot.student_masked_logits");
            NDArray features = fixtures.input("koleo.student_cls");
            NDArray masks = fixtures.input("ibot.collated_masks");
            NDArray targets = SinkhornKnopp.assign(fixtures.input("ibot.teacher_masked_logits"), 0.07f, 40, 3);
            studentMasked.setRequiresGradient(true);
            features.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray total = new IBotPatchLoss(0.1f)
                        .maskedLoss(studentMasked, targets, masks, null, null)
                        .add(new KoLeoLoss().loss(features));
                collector.backward(total);
            }
            for (NDArray gradient : List.of(studentMasked.getGradient(), features.getGradient())) {
                float[] values = gradient.toFloatArray();
                double norm = 0;
                for (float v : values) {
                    assertTrue(Float.isFinite(v));
                    norm += v * v;
                }
                assertTrue(norm > 1e-12, "a gradient reached the input: " + norm);
            }
        }
    }
}
