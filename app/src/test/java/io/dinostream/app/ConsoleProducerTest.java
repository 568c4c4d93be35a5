package io.dinostream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.app.roles.IndexRole;
import io.dinostream.app.roles.Node;
import io.dinostream.app.roles.Role;
import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.EmbeddedKafka;
import io.dinostream.index.ImageIndexReader;
import io.dinostream.index.SearchHit;
import io.dinostream.index.StoredImage;
import io.dinostream.ingest.FashionMnist;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.tools.ConsoleProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real third-party client: Kafka's own console producer ({@code org.apache.kafka.tools.ConsoleProducer},
 * in its own JVM, reading lines from stdin) publishes a Fashion-MNIST PNG as base64 text with a
 * {@code content-transfer-encoding: base64} header (docs/wire-formats.md); the image becomes searchable and
 * comes back first for itself, with its metadata.
 */
class ConsoleProducerTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @Test
    void anImageFromTheConsoleProducerBecomesSearchable(@TempDir Path dir) throws Exception {
        FashionMnist fmnist = FashionMnist.load(FashionMnist.DEFAULT_DIR, "test");
        byte[] png = fmnist.png(42);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            DinostreamConfig config = new DinostreamConfig(Map.of(
                    DinostreamConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    DinostreamConfig.DATA_DIR, dir.resolve("data").toString(),
                    DinostreamConfig.API_PORT, 0));
            try (Node node = Node.start(config, EnumSet.of(Role.EMBEDDER, Role.INDEX))) {
                String line = "content-transfer-encoding:base64,metadata:{\"label\":7}\tconsole-42|"
                        + Base64.getEncoder().encodeToString(png) + "\n";
                runConsoleProducer(kafka.bootstrapServers(), line);

                IndexRole role = node.indexRole().orElseThrow();
                ImageIndexReader index = node.index().orElseThrow();
                Await.until("the console-produced image indexed", TIMEOUT, () -> {
                    assertTrue(role.failure().isEmpty(), () -> "index failed: " + role.failure());
                    // In FAISS (size) and in the stores (get): the store write comes first.
                    return index.size() == 1
                            && index.get("console-42")
                                    .map(i -> i.vector() != null)
                                    .orElse(false);
                });
                StoredImage stored = index.get("console-42").orElseThrow();
                assertEquals("image/png", stored.contentType());
                assertTrue(java.util.Arrays.equals(png, stored.bytes()), "the decoded PNG is stored");
                assertEquals("{\"label\":7}", stored.metadataJson());
                List<SearchHit> hits = index.search(stored.vector(), 1);
                assertEquals("console-42", hits.get(0).id());
            }
        }
    }

    /** Runs Kafka's console producer in its own JVM and feeds it one line on stdin. */
    private static void runConsoleProducer(String bootstrap, String line) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        ConsoleProducer.class.getName(),
                        "--bootstrap-server",
                        bootstrap,
                        "--topic",
                        "dinostream.images.v1",
                        "--property",
                        "parse.key=true",
                        "--property",
                        "key.separator=|",
                        "--property",
                        "parse.headers=true",
                        "--producer-property",
                        "acks=all")
                .redirectErrorStream(true)
                .start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(line.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "console producer did not exit");
        assertEquals(0, process.exitValue(), "console producer failed: " + output);
    }
}
