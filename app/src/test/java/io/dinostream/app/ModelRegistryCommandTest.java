package io.dinostream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.app.registry.KafkaModelAdmin;
import io.dinostream.common.kafka.EmbeddedKafka;
import io.dinostream.common.registry.RegistryState;
import io.dinostream.common.registry.WeightStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dinostream model register|list|describe|activate|rollback|retire} against an in-process broker,
 * with the two shipped models as versions A and B.
 */
class ModelRegistryCommandTest {

    @Test
    void registerActivateRollBackAndRetireFromTheCommandLine(@TempDir Path dir) throws Exception {
        Path tiny = ShippedModels.extract(dir, ShippedModels.TINY);
        Path micro = ShippedModels.extract(dir, ShippedModels.MICRO);
        String a = WeightStore.sha256(tiny).substring(0, 12);
        String b = WeightStore.sha256(micro).substring(0, 12);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            List<String> common = List.of(
                    "--bootstrap-servers",
                    kafka.bootstrapServers(),
                    "--data-dir",
                    dir.resolve("data").toString());

            String registered = model(common, "register", tiny.toString(), "--metrics", "knn_top1=85.38");
            assertTrue(registered.contains("registered " + a), registered);
            assertTrue(Files.isRegularFile(
                    dir.resolve("data/models/sha256").resolve(WeightStore.sha256(tiny) + ".safetensors")));
            assertTrue(model(common, "register", micro.toString(), "--parent", a.substring(0, 6), "--name", "student")
                    .contains("registered " + b));
            assertTrue(model(common, "register", tiny.toString()).contains("already registered: " + a));

            String listed = model(common, "list");
            assertTrue(listed.contains(a) && listed.contains(b) && listed.contains("knn_top1=85.38"), listed);
            assertTrue(!listed.contains("active"), listed);

            assertTrue(model(common, "activate", a, "--now").contains("active " + a + ", previous -"));
            String requested = model(common, "activate", b);
            assertTrue(requested.contains("active " + a + ", previous -, activating " + b), requested);
            assertTrue(model(common, "list").contains("activating"));
            assertEquals(
                    2, Main.run(args(common, "model", "retire", b)), "a version being activated cannot be retired");
            assertTrue(model(common, "activate", b, "--now").contains("active " + b + ", previous " + a));
            assertTrue(model(common, "rollback").contains("active " + a + ", previous " + b));
            assertEquals(2, Main.run(args(common, "model", "retire", a)), "the active version cannot be retired");
            model(common, "retire", b);
            assertEquals(2, Main.run(args(common, "model", "activate", b)), "a retired version cannot be activated");
            assertEquals(2, Main.run(args(common, "model", "rollback")), "rollback to a retired version");

            String described = model(common, "describe", b);
            assertTrue(
                    described.contains("retired")
                            && described.contains("parent:         " + a)
                            && described.contains("student"),
                    described);
            assertTrue(model(common, "describe", a).contains("state:          active"));

            // The admin API's registry reads and writes the same topic.
            io.dinostream.common.config.DinostreamConfig config =
                    new io.dinostream.common.config.DinostreamConfig(java.util.Map.of(
                            "bootstrap.servers", kafka.bootstrapServers(),
                            "data.dir", dir.resolve("data").toString()));
            KafkaModelAdmin admin = new KafkaModelAdmin(config);
            assertEquals(a, admin.read().active().orElseThrow().id());
            assertEquals(
                    b,
                    admin.register(new io.dinostream.api.ModelAdmin.Registration(micro, null, null, java.util.Map.of()))
                            .id());
            assertThrows(RegistryState.RegistryException.class, () -> admin.activate(b, false));
            Path notAModel = dir.resolve("junk.safetensors");
            Files.writeString(notAModel, "not weights");
            assertEquals(2, Main.run(args(common, "model", "register", notAModel.toString())));
            assertEquals(2, Main.run(args(common, "model", "describe", "ffffffff")));
        }
    }

    private static String model(List<String> common, String... rest) {
        List<String> all = new ArrayList<>(List.of("model"));
        all.addAll(List.of(rest));
        all.addAll(common);
        return Cli.run(all);
    }

    private static List<String> args(List<String> common, String... rest) {
        List<String> all = new ArrayList<>(List.of(rest));
        all.addAll(common);
        return all;
    }
}
