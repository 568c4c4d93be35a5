package io.dinostream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.app.registry.VersionRegistration;
import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.EmbeddedKafka;
import io.dinostream.common.registry.ModelRegistry;
import io.dinostream.common.registry.ModelVersion;
import io.dinostream.common.registry.RegistryState;
import io.dinostream.embedder.model.LoadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One full iteration of the retrain loop on a small Fashion-MNIST slice, each step in its own JVM:
 * curate a 400-image pool, continue training the active teacher, distill, evaluate, register both models
 * with their lineage and reports, and request the student's activation (a tolerant gate). Then the
 * iteration is made unfinished as a crash after its training would leave it, and running the command again
 * resumes it in place without redoing curation or training.
 */
class RetrainLoopTest {
    @Test
    void oneIterationRegistersTeacherAndStudentAndRequestsActivation(@TempDir Path dir) throws Exception {
        Path tiny = ShippedModels.extract(dir, ShippedModels.TINY);
        Path pool = dir.resolve("pool");
        Cli.run(List.of("curate", "make-pool", "--out", pool.toString(), "--originals", "300", "--seed", "3"));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            List<String> common = List.of(
                    "--bootstrap-servers",
                    kafka.bootstrapServers(),
                    "--data-dir",
                    dir.resolve("data").toString());
            DinostreamConfig config = new DinostreamConfig(Map.of(
                    DinostreamConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    DinostreamConfig.DATA_DIR, dir.resolve("data").toString()));
            ModelVersion active = VersionRegistration.register(
                            config, tiny, "tiny", null, Map.of(), LoadOptions.defaults())
                    .version();
            ModelRegistry.open(config).activate(active.id());
            // The images topic exists for the schedule's image count even though --once ignores it.
            io.dinostream.common.kafka.KafkaSetup.createTopics(config);

            List<String> args = new java.util.ArrayList<>(List.of(
                    "retrain",
                    "--pool",
                    "dir:" + pool,
                    "--out",
                    dir.resolve("retrain").toString(),
                    "--once",
                    "--target",
                    "200",
                    "--epochs",
                    "1",
                    "--images-per-epoch",
                    "64",
                    "--batch-size",
                    "16",
                    "--eval-train",
                    "1000",
                    "--eval-test",
                    "200",
                    "--auto-activate",
                    "--tolerance",
                    "100"));
            args.addAll(common);
            String printed = Cli.run(args);
            assertTrue(printed.contains("activation requested"), printed);

            RegistryState state = ModelRegistry.open(config).state();
            assertEquals(3, state.versions().size(), state.versions().toString());
            ModelVersion teacher = state.versions().get(1);
            ModelVersion student = state.versions().get(2);
            assertEquals(active.id(), teacher.parent(), "the teacher continues the active version");
            assertEquals(teacher.id(), student.parent(), "the student is distilled from the new teacher");
            assertTrue(student.architecture().contains("fmnist-vit-micro"), student.architecture());
            double knn = student.metrics().get("knn_top1");
            assertTrue(knn > 10 && knn <= 100, "k-NN " + knn);
            assertEquals(
                    java.util.Set.of("curate", "distill", "evaluate", "train"),
                    student.reports().keySet());
            assertTrue(
                    student.reports().get("curate").contains("| kept |"),
                    student.reports().get("curate"));
            assertEquals(student.id(), state.pointer().orElseThrow().pending(), "the student waits for a backfill");
            assertEquals(active.id(), state.pointer().orElseThrow().active());
            try (Stream<Path> logs = Files.walk(dir.resolve("retrain"))) {
                assertEquals(
                        5,
                        logs.filter(p -> p.toString().endsWith(".log")).count(),
                        "curate, train, distill and two evaluations keep their logs");
            }

            // A crash after the training: the iteration did not finish, and running again resumes it.
            Path iteration;
            try (Stream<Path> dirs = Files.list(dir.resolve("retrain"))) {
                iteration = dirs.findFirst().orElseThrow();
            }
            for (String unfinished : List.of("outcome.txt", "distill.done", "eval-student.done", "eval-active.done")) {
                Files.delete(iteration.resolve(unfinished));
            }
            java.nio.file.attribute.FileTime curated = Files.getLastModifiedTime(iteration.resolve("curate.log"));
            java.nio.file.attribute.FileTime trained = Files.getLastModifiedTime(iteration.resolve("train.log"));
            String resumed = Cli.run(args);
            assertTrue(resumed.contains("activation requested"), resumed);
            assertEquals(curated, Files.getLastModifiedTime(iteration.resolve("curate.log")), "curation not run again");
            assertEquals(trained, Files.getLastModifiedTime(iteration.resolve("train.log")), "training not run again");
            assertTrue(Files.isRegularFile(iteration.resolve("outcome.txt")), "the resumed iteration finished");
            try (Stream<Path> dirs = Files.list(dir.resolve("retrain"))) {
                assertEquals(1, dirs.count(), "resumed in place, no second iteration");
            }
            RegistryState after = ModelRegistry.open(config).state();
            assertEquals(3, after.versions().size(), "the same teacher and student: " + after.versions());
            assertEquals(student.id(), after.pointer().orElseThrow().pending());
        }
    }
}
