package io.dinostream.common.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry on a real in-process broker: what one process writes, another reads; the cache follows. */
class ModelRegistryTest {
    @Test
    void versionsAndFlipsAreDurableInTheTopicAndCachedLocally(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            DinostreamConfig config = new DinostreamConfig(Map.of(
                    DinostreamConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    DinostreamConfig.DATA_DIR, dir.resolve("data").toString()));
            ModelVersion a = RegistryStateTest.version('a', null);
            ModelVersion b = RegistryStateTest.version('b', a.id());
            ModelRegistry writer = ModelRegistry.open(config);
            writer.register(a);
            writer.register(b);
            writer.activate(a.id());
            writer.activate(b.id());

            RegistryState seen = ModelRegistry.open(config).state();
            assertEquals(2, seen.versions().size());
            assertEquals(b.id(), seen.active().orElseThrow().id());
            assertEquals(a.id(), seen.pointer().orElseThrow().previous());

            ModelRegistry other = ModelRegistry.open(config);
            other.rollback();
            other.retire(b.id());
            RegistryState after = ModelRegistry.open(config).state();
            assertEquals(a.id(), after.active().orElseThrow().id());
            assertEquals(ModelState.RETIRED, after.stateOf(after.version(b.id()).orElseThrow()));

            RegistryState cached = ModelRegistry.cached(config);
            assertEquals(a.id(), cached.active().orElseThrow().id());
            assertEquals(after.versions(), cached.versions());
        }
    }

    @Test
    void weightsAreStoredByContentOnceAndCheckedOnRead(@TempDir Path dir) throws Exception {
        WeightStore store = new WeightStore(dir.resolve("store"));
        Path file = dir.resolve("w.safetensors");
        Files.write(file, new byte[] {1, 2, 3, 4});
        String digest = store.put(file);
        assertEquals("9f64a747e1b97f131fabb6b447296c9b6f0201e79fb3c5356e6c77e89b6a806a", digest);
        assertEquals(digest, store.put(file), "the same bytes, the same address");
        assertEquals(store.path(digest), store.verified(digest));
        try (var files = Files.list(store.path(digest).getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
        Files.write(store.path(digest), new byte[] {9});
        IOException e = assertThrows(IOException.class, () -> store.verified(digest));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
        assertThrows(IOException.class, () -> store.verified("0".repeat(64)));
    }
}
