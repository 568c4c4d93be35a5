package io.dinostream.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.embedder.model.DinoV2Model;
import io.dinostream.trainer.config.TrainConfig;
import io.dinostream.trainer.data.FashionMnistImages;
import io.dinostream.trainer.data.ImageDataset;
import io.dinostream.trainer.eval.KnnEvaluation;
import io.dinostream.trainer.ssl.StepLosses;
import io.dinostream.trainer.ssl.StepSchedule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real training on Fashion-MNIST with the real engine, at a size that runs in seconds. */
class SslTrainerTest {
    static ImageDataset train;
    static ImageDataset test;

    @BeforeAll
    static void load() throws Exception {
        train = FashionMnistImages.load("train");
        test = FashionMnistImages.load("test");
    }

    /**
     * Stopping after 3 of 8 iterations and running again gives the uninterrupted run's loss curve, bit
     * for bit (same machine and threads), and the same final weights.
     */
    @Test
    void resumingRepeatsTheUninterruptedRun(@TempDir Path dir) throws Exception {
        TrainConfig config = TinyRuns.config();
        Path whole = dir.resolve("whole");
        Path resumed = dir.resolve("resumed");
        SslTrainer.Result r = new SslTrainer(config, train, whole, null, 0).run(TrainListener.silent());
        assertTrue(r.finished());
        assertEquals(8, r.iterations());
        SslTrainer.Result first = new SslTrainer(config, train, resumed, null, 3).run(TrainListener.silent());
        assertFalse(first.finished());
        assertEquals(3, LossLog.read(resumed.resolve("losses.csv")).size());
        new SslTrainer(config, train, resumed, null, 0).run(TrainListener.silent());

        List<String> expected = Files.readAllLines(whole.resolve("losses.csv"));
        assertEquals(9, expected.size(), "header and 8 steps");
        assertEquals(expected, Files.readAllLines(resumed.resolve("losses.csv")));
        assertArrayEquals(
                Files.readAllBytes(whole.resolve("checkpoint/teacher.safetensors")),
                Files.readAllBytes(resumed.resolve("checkpoint/teacher.safetensors")));
        assertArrayEquals(
                Files.readAllBytes(whole.resolve("checkpoint/optimizer.safetensors")),
                Files.readAllBytes(resumed.resolve("checkpoint/optimizer.safetensors")));
        // A different seed is a different run: the comparison above can tell runs apart.
        Path other = dir.resolve("other");
        new SslTrainer(config.withSeed(4), train, other, null, 2).run(TrainListener.silent());
        assertNotEquals(
                expected.get(1), Files.readAllLines(other.resolve("losses.csv")).get(1));
    }

    /**
     * Each epoch gives metrics with a k-NN accuracy, a checkpoint with the resolved config, a curves PNG
     * and a model file that the embedder loads and that is the teacher's backbone.
     */
    /**
     * A stop requested from another thread (what SIGTERM's shutdown hook does) ends the run after the step
     * in progress, mid-epoch, with a checkpoint there; running again gives the uninterrupted loss curve.
     */
    @Test
    void aRequestedStopCheckpointsTheCurrentStep(@TempDir Path dir) throws Exception {
        TrainConfig config = TinyRuns.config();
        Path whole = dir.resolve("whole");
        new SslTrainer(config, train, whole, null, 0).run(TrainListener.silent());
        Path stopped = dir.resolve("stopped");
        SslTrainer[] trainer = new SslTrainer[1];
        trainer[0] = new SslTrainer(config, train, stopped, null, 0);
        SslTrainer.Result first = trainer[0].run(new TrainListener() {
            @Override
            public void onStep(long i, long total, StepLosses l, StepSchedule s, double imagesPerSecond) {
                if (i == 4) {
                    // From another thread, as a shutdown hook would, while the run goes on.
                    Thread t = new Thread(trainer[0]::requestStop);
                    t.start();
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }

            @Override
            public void onEpoch(EpochMetrics metrics) {}
        });
        assertFalse(first.finished());
        assertEquals(5, first.iterations(), "stops after the step in progress (iteration 5 of 8, mid-epoch 2)");
        assertEquals(5, LossLog.read(stopped.resolve("losses.csv")).size());
        SslTrainer.Result rest = new SslTrainer(config, train, stopped, null, 0).run(TrainListener.silent());
        assertTrue(rest.finished());
        // Epoch 2's throughput counts the 3 steps this process ran (16 images each), not the 4 of the epoch.
        EpochMetrics resumedEpoch = rest.metrics().get(1);
        assertEquals(3 * 16, resumedEpoch.imagesPerSecond() * resumedEpoch.seconds(), 1e-6);
        assertEquals(
                Files.readAllLines(whole.resolve("losses.csv")), Files.readAllLines(stopped.resolve("losses.csv")));
    }

    @Test
    void epochsLeaveCheckpointMetricsCurvesAndALoadableModel(@TempDir Path dir) throws Exception {
        TrainConfig config = TinyRuns.config();
        List<EpochMetrics> seen = new java.util.ArrayList<>();
        TrainListener listener = new TrainListener() {
            @Override
            public void onStep(
                    long i,
                    long total,
                    io.dinostream.trainer.ssl.StepLosses l,
                    io.dinostream.trainer.ssl.StepSchedule s,
                    double ips) {
                assertTrue(Double.isFinite(l.total()) && l.total() > 0, "loss " + l);
                assertTrue(ips > 0);
            }

            @Override
            public void onEpoch(EpochMetrics metrics) {
                seen.add(metrics);
            }
        };
        SslTrainer.Result result =
                new SslTrainer(config, train, dir, new KnnEvaluation(train, test, 500, 200), 0).run(listener);
        assertEquals(2, seen.size());
        assertEquals(seen, result.metrics());
        KnnEvaluation evaluation = new KnnEvaluation(train, test, 500, 200);
        for (EpochMetrics m : seen) {
            assertTrue(m.knnTop1() >= 0 && m.knnTop1() <= 100, "k-NN in range: " + m.knnTop1());
        }
        assertEquals(config, Checkpoint.config(dir.resolve("checkpoint")));
        assertTrue(Files.size(dir.resolve("curves.png")) > 1000);
        try (DinoV2Model model = DinoV2Model.load(dir.resolve("model.safetensors"))) {
            assertEquals(32, model.embedDim());
            assertEquals(7, model.config().patchSize());
            var teacher = Checkpoint.read(dir.resolve("checkpoint/teacher.safetensors"));
            float[] fromCheckpoint =
                    teacher.get("backbone.blocks.1.mlp.fc2.weight").data();
            float[] exported = model.block()
                    .parameters()
                    .get("blocks.1.mlp.fc2.weight")
                    .getArray()
                    .toFloatArray();
            assertArrayEquals(fromCheckpoint, exported);
            // The last epoch's k-NN is the exported model's, evaluated again independently.
            double again = model.withEngine((manager, ps, vit) -> evaluation.top1(vit, manager));
            assertEquals(seen.get(1).knnTop1(), again, 1e-9);
        }
    }
}
