package io.dinostream.trainer.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.dinostream.embedder.model.DinoV2Model;
import io.dinostream.trainer.config.TrainConfig;
import io.dinostream.trainer.data.FashionMnistImages;
import io.dinostream.trainer.data.ImageDataset;
import io.dinostream.trainer.train.Checkpoint;
import io.dinostream.trainer.train.SslTrainer;
import io.dinostream.trainer.train.TinyRuns;
import io.dinostream.trainer.train.TrainListener;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistillationTest {
    /**
     * A tiny self-supervised run is the teacher; a narrower student distils it with the teacher's trained
     * head; the result is the EMA of the student, exported for the embedder; the teacher never changes.
     */
    @Test
    void distilsATrainedTeacherIntoASmallerStudent(@TempDir Path dir) throws Exception {
        ImageDataset train = FashionMnistImages.load("train");
        TrainConfig teacherConfig = TinyRuns.config();
        Path teacherRun = dir.resolve("teacher");
        new SslTrainer(teacherConfig, train, teacherRun, null, 0).run(TrainListener.silent());
        Path weights = teacherRun.resolve("model.safetensors");

        DistillationSetup setup = DistillationSetup.load(weights, new TrainConfig.HeadSpec(32, 32, 8));
        assertTrue(setup.trainedHead());
        assertEquals(teacherConfig.head(), setup.headSpec());
        TrainConfig student = new TrainConfig(
                "test-student",
                new TrainConfig.ModelSpec(7, 16, 2, 2, 2, 28, 0.0, 0.1),
                setup.headSpec(),
                teacherConfig.crops(),
                teacherConfig.loss(),
                teacherConfig.optim(),
                5);
        Path run = dir.resolve("student");
        SslTrainer.Result result = new SslTrainer(student, train, run, null, 0, setup).run(TrainListener.silent());
        assertTrue(result.finished());
        var checkpoint = Checkpoint.read(run.resolve("checkpoint/ema.safetensors"));
        try (DinoV2Model model = DinoV2Model.load(run.resolve("model.safetensors"));
                DinoV2Model teacher = DinoV2Model.load(weights)) {
            assertEquals(16, model.embedDim());
            assertArrayEquals(
                    checkpoint.get("backbone.norm.weight").data(),
                    model.block().parameters().get("norm.weight").getArray().toFloatArray());
            // The frozen teacher in the checkpoint is still the file it was loaded from.
            var frozen = Checkpoint.read(run.resolve("checkpoint/teacher.safetensors"));
            assertArrayEquals(
                    teacher.block()
                            .parameters()
                            .get("blocks.0.attn.qkv.weight")
                            .getArray()
                            .toFloatArray(),
                    frozen.get("backbone.blocks.0.attn.qkv.weight").data());
        }
        // The student's result differs from its own current weights: it is an average, not a copy.
        var studentNow = Checkpoint.read(run.resolve("checkpoint/student.safetensors"));
        assertFalse(java.util.Arrays.equals(
                studentNow.get("backbone.norm.weight").data(),
                checkpoint.get("backbone.norm.weight").data()));
    }

    /** Without a run's checkpoint next to it the teacher gets a frozen random head; patch sizes must agree. */
    @Test
    void headlessTeacherAndPatchMismatch(@TempDir Path dir) throws Exception {
        Path weights = dir.resolve("t.safetensors");
        try (DinoV2Model model = DinoV2Model.random(
                TinyRuns.config().model().toDinoV2Config("t"),
                1,
                io.dinostream.embedder.model.WeightInit.Scheme.RANDOM_FEATURES)) {
            model.save(weights);
        }
        TrainConfig.HeadSpec head = new TrainConfig.HeadSpec(32, 32, 8);
        DistillationSetup setup = DistillationSetup.load(weights, head);
        assertFalse(setup.trainedHead());
        assertEquals(head, setup.headSpec());
        TrainConfig patch14 = new TrainConfig(
                "p14",
                new TrainConfig.ModelSpec(14, 16, 1, 2, 2, 28, 0.0, 0.1),
                head,
                new TrainConfig.CropSpec(28, 14, 2, 0.4, 1.0, 0.1, 0.4),
                TinyRuns.config().loss(),
                TinyRuns.config().optim(),
                0);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> setup.create(manager, patch14));
            assertTrue(e.getMessage().contains("patch size"), e.getMessage());
        }
        assertTrue(Files.exists(weights));
    }
}
