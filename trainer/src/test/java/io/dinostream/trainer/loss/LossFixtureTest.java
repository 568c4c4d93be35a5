package io.dinostream.trainer.loss;

import static io.dinostream.trainer.loss.LossFixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each loss, both teacher centerings and their updates against the official {@code dinov2/loss} outputs in
 * {@code shared/fixtures/dinov2/losses} (K=64, 2 global crops x 4 images, 3 local crops, teacher
 * temperature 0.07, student 0.1, centre momentum 0.9, 3 Sinkhorn iterations), within {@code atol 1e-5}.
 */
class LossFixtureTest {
    private static final float TEACHER_TEMP = 0.07f;
    private static final float STUDENT_TEMP = 0.1f;
    private static final float MOMENTUM = 0.9f;

    private NDManager manager;
    private LossFixtures fixtures;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager("PyTorch");
        fixtures = new LossFixtures(manager);
    }

    @AfterEach
    void close() throws Exception {
        fixtures.close();
        manager.close();
    }

    @Test
    void dinoSoftmaxCenteringAndItsLazyUpdate() {
        try (TeacherCentering centering = new TeacherCentering(manager, fixtures.input("dino.center_init"), MOMENTUM)) {
            NDArray teacher = fixtures.input("dino.teacher_logits");
            NDArray centered = centering.softmaxCentered(teacher, TEACHER_TEMP);
            assertClose("teacher_softmax_centered", fixtures.output("dino.center.teacher_softmax_centered"), centered);

            centering.update(teacher);
            assertClose(
                    "centre after update() (lazy: unchanged)",
                    fixtures.output("dino.center.center_pending_after_update_center"),
                    centering.center());

            NDArray step2 = centering.softmaxCentered(fixtures.input("dino.teacher_logits_step2"), TEACHER_TEMP);
            assertClose(
                    "centre applied by the next step",
                    fixtures.output("dino.center.center_after_update"),
                    centering.center());
            assertClose("step-2 targets", fixtures.output("dino.center.teacher_softmax_centered_step2"), step2);
        }
    }

    @Test
    void dinoLossWithCenteredTargets() {
        try (TeacherCentering centering = new TeacherCentering(manager, fixtures.input("dino.center_init"), MOMENTUM)) {
            NDArray targets = centering.softmaxCentered(fixtures.input("dino.teacher_logits"), TEACHER_TEMP);
            assertDinoLosses("dino.center", targets);
        }
    }

    @Test
    void dinoSinkhornKnoppAndItsLoss() {
        NDArray targets = SinkhornKnopp.assign(fixtures.input("dino.teacher_logits"), TEACHER_TEMP, 8, 3);
        assertClose("sinkhorn targets", fixtures.output("dino.sinkhorn.teacher_assign"), targets);
        assertDinoLosses("dino.sinkhorn", targets);
    }

    private void assertDinoLosses(String prefix, NDArray targets) {
        DinoClsLoss loss = new DinoClsLoss(STUDENT_TEMP);
        NDArray studentGlobal = fixtures.input("dino.student_global_logits");
        NDList teacherCrops = targets.split(2); // rows are crop-major: (2 crops x 4 images)
        NDList localCrops = fixtures.input("dino.student_local_logits").split(3);
        assertClose(
                prefix + ".loss_local", fixtures.output(prefix + ".loss_local"), loss.loss(localCrops, teacherCrops));
        assertClose(
                prefix + ".loss_global",
                fixtures.output(prefix + ".loss_global"),
                loss.loss(List.of(studentGlobal), List.of(targets)));
        if (prefix.equals("dino.center")) {
            assertClose(
                    prefix + ".loss_pairs",
                    fixtures.output(prefix + ".loss_pairs"),
                    loss.loss(studentGlobal.split(2), teacherCrops));
        }
    }

    @Test
    void ibotCenteringAndMaskedLoss() {
        NDArray teacherMasked = fixtures.input("ibot.teacher_masked_logits");
        NDArray studentMasked = fixtures.input("ibot.student_masked_logits");
        NDArray masks = fixtures.input("ibot.collated_masks");
        long maskedPatches = fixtures.input("ibot.n_masked_patches").toLongArray()[0];
        try (TeacherCentering centering = new TeacherCentering(manager, fixtures.input("ibot.center_init"), MOMENTUM)) {
            NDArray targets = centering
                    .softmaxCentered(teacherMasked.expandDims(0), TEACHER_TEMP)
                    .squeeze(0);
            assertClose("ibot targets", fixtures.output("ibot.center.teacher_softmax_centered"), targets);
            centering.update(teacherMasked.expandDims(0));
            centering.applyPendingUpdate();
            assertClose("ibot centre", fixtures.output("ibot.center.center_after_update"), centering.center());

            IBotPatchLoss loss = new IBotPatchLoss(STUDENT_TEMP);
            assertClose(
                    "ibot masked loss",
                    fixtures.output("ibot.center.loss_forward_masked"),
                    loss.maskedLoss(studentMasked, targets, masks, maskedPatches, fixtures.input("ibot.masks_weight")));
            assertClose(
                    "ibot masked loss, weights from the masks",
                    fixtures.output("ibot.center.loss_forward_masked_default_weight"),
                    loss.maskedLoss(studentMasked, targets, masks, maskedPatches, null));
        }
    }

    @Test
    void ibotSinkhornKnopp() {
        NDArray masks = fixtures.input("ibot.collated_masks");
        long maskedPatches = fixtures.input("ibot.n_masked_patches").toLongArray()[0];
        NDArray targets =
                SinkhornKnopp.assign(fixtures.input("ibot.teacher_masked_logits"), TEACHER_TEMP, maskedPatches, 3);
        assertClose("ibot sinkhorn targets", fixtures.output("ibot.sinkhorn.teacher_assign"), targets);
        assertClose(
                "ibot sinkhorn loss",
                fixtures.output("ibot.sinkhorn.loss_forward_masked"),
                new IBotPatchLoss(STUDENT_TEMP)
                        .maskedLoss(
                                fixtures.input("ibot.student_masked_logits"),
                                targets,
                                masks,
                                maskedPatches,
                                fixtures.input("ibot.masks_weight")));
    }

    @Test
    void ibotDenseLoss() {
        NDArray teacher =
                fixtures.input("ibot.dense_teacher_logits").div(TEACHER_TEMP).softmax(-1);
        assertClose(
                "ibot dense loss",
                fixtures.output("ibot.dense.loss_forward"),
                new IBotPatchLoss(STUDENT_TEMP)
                        .loss(
                                fixtures.input("ibot.dense_student_logits"),
                                teacher,
                                fixtures.input("ibot.collated_masks")));
    }

    @Test
    void koleo() {
        NDArray features = fixtures.input("koleo.student_cls");
        KoLeoLoss koleo = new KoLeoLoss();
        assertArrayEquals(
                fixtures.output("koleo.nn_index").toLongArray(),
                KoLeoLoss.nearestNeighbours(KoLeoLoss.normalise(features))
                        .toType(ai.djl.ndarray.types.DataType.INT64, false)
                        .toLongArray());
        assertClose("koleo", fixtures.output("koleo.loss"), koleo.loss(features));
        NDList chunks = features.split(2);
        assertClose(
                "koleo over the two crops",
                fixtures.output("koleo.loss_sum_over_2_crop_chunks"),
                koleo.loss(chunks.get(0)).add(koleo.loss(chunks.get(1))));
    }
}
