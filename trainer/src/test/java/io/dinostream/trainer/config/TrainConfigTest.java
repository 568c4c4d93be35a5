package io.dinostream.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.trainer.train.Schedules;
import org.junit.jupiter.api.Test;

class TrainConfigTest {
    @Test
    void jsonRoundTripAndPresets() {
        for (String name : TrainConfig.presetNames()) {
            TrainConfig config = TrainConfig.preset(name).withSeed(9).withRun(7, 64, 1000);
            assertEquals(config, TrainConfig.fromJson(config.toJson()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.preset("vit-huge"));
        assertTrue(e.getMessage().contains("fmnist-vit-tiny"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.fmnistVitTiny()
                .withCentering("median"));
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.fromJson("{\"preset\": 3}"));
    }

    /**
     * The patch-4 presets are the configs their documented runs saved (copies of those runs' config.json,
     * written before distillIbotPatches existed in the teacher's case: a missing field reads as 0).
     */
    @Test
    void patch4PresetsAreTheConfigsOfTheirRuns() throws Exception {
        for (String name : java.util.List.of("fmnist-vit-tiny-p4", "fmnist-vit-micro-p4")) {
            try (var in = TrainConfigTest.class.getResourceAsStream(name + ".json")) {
                String saved = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertEquals(TrainConfig.fromJson(saved), TrainConfig.preset(name), name);
            }
        }
        assertEquals(0, TrainConfig.fmnistVitTinyP4().loss().distillIbotPatches());
        assertEquals(12, TrainConfig.fmnistVitMicroP4().loss().distillIbotPatches());
    }

    /** {@code --teacher-temp}: a constant temperature, warm-up included; nothing else changes. */
    @Test
    void teacherTemperatureOverride() {
        TrainConfig.LossSpec base = TrainConfig.fmnistVitTiny().loss();
        TrainConfig.LossSpec hot = base.withTeacherTemp(0.05);
        assertEquals(0.05, hot.teacherTemp());
        assertEquals(0.05, hot.warmupTeacherTemp());
        assertEquals(base, hot.withTeacherTemp(base.teacherTemp()));
        assertThrows(IllegalArgumentException.class, () -> base.withTeacherTemp(0));
    }

    /** The embedder's fmnist-vit-tiny preset is the architecture this trainer preset trains. */
    @Test
    void embedderPresetIsTheTrainedArchitecture() {
        assertEquals(
                io.dinostream.embedder.model.DinoV2Config.preset("fmnist-vit-tiny"),
                TrainConfig.fmnistVitTiny().model().toDinoV2Config("fmnist-vit-tiny"));
        assertEquals(
                io.dinostream.embedder.model.DinoV2Config.preset("fmnist-vit-micro"),
                TrainConfig.fmnistVitMicro().model().toDinoV2Config("fmnist-vit-micro"));
    }

    /**
     * docs/recipes/fmnist-vit-tiny.json is the resolved config the shipped model was trained with: the
     * preset with the documented command's options ({@code --epochs 30 --images-per-epoch 30000}).
     */
    @Test
    void shippedRecipeIsThePresetWithTheDocumentedOptions() throws Exception {
        String shipped = java.nio.file.Files.readString(java.nio.file.Path.of("../docs/recipes/fmnist-vit-tiny.json"));
        assertEquals(TrainConfig.fmnistVitTiny().withRun(30, 128, 30_000), TrainConfig.fromJson(shipped));
    }

    /** The micro student has at most a quarter of the tiny teacher's parameters. */
    @Test
    void microIsAQuarterOfTiny() {
        long tiny = TrainConfig.fmnistVitTiny().model().toDinoV2Config("t").parameterCount();
        long micro = TrainConfig.fmnistVitMicro().model().toDinoV2Config("m").parameterCount();
        assertTrue(micro * 4 <= tiny, micro + " vs " + tiny);
    }

    /**
     * The reference's schedules: learning rate warmed up from 0, the last layer's rate 0 for the first
     * epoch then equal to the others', teacher temperature warmed up then constant.
     */
    @Test
    void schedules() {
        TrainConfig tiny = TrainConfig.fmnistVitTiny().withRun(10, 128, 0);
        TrainConfig.LossSpec l = tiny.loss();
        // The reference's teacher temperatures: 0.04 warmed up to 0.07 over 2 epochs.
        TrainConfig config = tiny.withLoss(new TrainConfig.LossSpec(
                l.dinoWeight(),
                l.ibotWeight(),
                l.koleoWeight(),
                l.studentTemp(),
                0.07,
                0.04,
                2,
                l.centering(),
                l.centerMomentum(),
                l.maskRatioMin(),
                l.maskRatioMax(),
                l.maskProbability(),
                l.distillIbotPatches()));
        Schedules s = new Schedules(config, 100);
        assertEquals(0, s.at(0).lr(), 1e-12);
        assertEquals(0, s.at(99).lastLayerLr(), 0);
        assertEquals(s.at(100).lr(), s.at(100).lastLayerLr(), 0);
        assertEquals(config.optim().scaledLr(), s.at(199).lr(), 1e-9);
        assertEquals(0.04, s.at(0).teacherTemp(), 1e-12);
        assertEquals(0.04 + 0.03 * 100 / 199, s.at(100).teacherTemp(), 1e-12);
        assertEquals(0.07, s.at(200).teacherTemp(), 1e-12);
        assertEquals(0.07, s.at(999).teacherTemp(), 1e-12);
        assertEquals(config.optim().momentumTeacher(), s.at(0).teacherMomentum(), 1e-12);
        assertTrue(s.at(999).teacherMomentum() > 0.9999);
    }
}
