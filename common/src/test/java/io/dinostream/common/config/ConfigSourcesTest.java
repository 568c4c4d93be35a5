package io.dinostream.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourcesTest {
    @Test
    void flagsOverrideTheFileWhichOverridesDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("d.properties");
        Files.writeString(file, "api.port=9000\nembedder.batch.size=8\n");
        ConfigSources.Parsed parsed = ConfigSources.parse(
                DinostreamConfig.DEFINITION,
                Map.of("port", DinostreamConfig.API_PORT),
                List.of("ingest", "--config", file.toString(), "--port", "9100", "dir", "--limit", "5"));
        DinostreamConfig config = new DinostreamConfig(parsed.values());
        assertEquals(9100, config.getInt(DinostreamConfig.API_PORT));
        assertEquals(8, config.getInt(DinostreamConfig.EMBEDDER_BATCH_SIZE));
        assertEquals(DinostreamConfig.DEFAULT_IMAGE_MAX_BYTES, config.imageMaxBytes());
        assertEquals(List.of("ingest", "dir", "--limit", "5"), parsed.remaining());
    }

    @Test
    void invalidValuesNameTheKey() {
        ConfigSources.Parsed parsed =
                ConfigSources.parse(DinostreamConfig.DEFINITION, Map.of(), List.of("--model-pooling", "max"));
        ConfigException e = assertThrows(ConfigException.class, () -> new DinostreamConfig(parsed.values()));
        assertTrue(e.getMessage().contains("model.pooling"), e.getMessage());
    }

    @Test
    void unknownFileKeysAndMissingValuesAreErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("d.properties");
        Files.writeString(file, "api.prot=9000\n");
        assertThrows(
                ConfigException.class,
                () -> ConfigSources.parse(DinostreamConfig.DEFINITION, Map.of(), List.of("--config", file.toString())));
        assertThrows(
                ConfigException.class,
                () -> ConfigSources.parse(DinostreamConfig.DEFINITION, Map.of(), List.of("--api-port")));
    }

    @Test
    void helpListsEveryRequestedKey() {
        String help = ConfigSources.help(DinostreamConfig.DEFINITION, List.of(DinostreamConfig.API_PORT));
        assertTrue(help.contains("--api-port"), help);
        assertTrue(help.contains("default: 8080"), help);
    }
}
