package io.dinostream.embedder.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The downloader against a local server that answers as the Hugging Face hub does: HEAD and GET on
 * {@code /<repo>/resolve/main/<file>} redirect (302) to a CDN path, the redirect carries
 * {@code X-Linked-Size} and {@code X-Linked-Etag} (the SHA-256), and the CDN honours {@code Range}.
 */
class HubDownloaderTest {
    private static final String REPO = "facebook/dinov2-small";
    private static final String FILE = "model.safetensors";

    private final byte[] content = new byte[300_000];
    private HttpServer server;
    private URI endpoint;
    private final List<String> rangesAsked = new CopyOnWriteArrayList<>();
    private final AtomicInteger gets = new AtomicInteger();
    private final AtomicInteger cutNextGetAfter = new AtomicInteger(-1);
    private volatile String announcedSha;

    @BeforeEach
    void startServer() throws IOException {
        new Random(7).nextBytes(content);
        announcedSha = sha256(content);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/" + REPO + "/resolve/main/" + FILE, this::resolve);
        server.createContext("/cdn/blob", this::blob);
        server.start();
        endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void resolve(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Location", "/cdn/blob");
        exchange.getResponseHeaders().add("X-Linked-Size", Integer.toString(content.length));
        exchange.getResponseHeaders().add("X-Linked-Etag", "\"" + announcedSha + "\"");
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    private void blob(HttpExchange exchange) throws IOException {
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().add("Content-Length", Integer.toString(content.length));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
            return;
        }
        gets.incrementAndGet();
        String range = exchange.getRequestHeaders().getFirst("Range");
        int from = 0;
        if (range != null) {
            rangesAsked.add(range);
            from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
            exchange.getResponseHeaders()
                    .add("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
            exchange.sendResponseHeaders(206, content.length - from);
        } else {
            exchange.sendResponseHeaders(200, content.length);
        }
        int cut = cutNextGetAfter.getAndSet(-1);
        try (OutputStream out = exchange.getResponseBody()) {
            if (cut >= 0) {
                out.write(content, from, cut);
                out.flush();
                // Drop the connection mid-body, as a network failure would.
                exchange.getHttpContext().getServer().stop(0);
                return;
            }
            out.write(content, from, content.length - from);
        }
    }

    @Test
    void downloadsVerifiesAndRenamesIntoPlaceThenSkipsAPresentFile(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("models/dinov2-small.safetensors");
        AtomicLong lastDone = new AtomicLong();
        HubDownloader.Result result = new HubDownloader(endpoint, null)
                .pull(REPO, "main", FILE, target, (done, total) -> {
                    assertEquals(content.length, total);
                    lastDone.set(done);
                });
        assertArrayEquals(content, Files.readAllBytes(target));
        assertEquals(announcedSha, result.sha256());
        assertFalse(result.alreadyPresent());
        assertEquals(content.length, lastDone.get());
        assertFalse(Files.exists(dir.resolve("models/dinov2-small.safetensors.part")));

        HubDownloader.Result again = new HubDownloader(endpoint, null).pull(REPO, "main", FILE, target, (d, t) -> {});
        assertTrue(again.alreadyPresent());
        assertEquals(1, gets.get(), "a verified file is not downloaded again");
    }

    @Test
    void anInterruptedDownloadResumesWithARangeRequest(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("dinov2-small.safetensors");
        cutNextGetAfter.set(100_000);
        assertThrows(IOException.class, () -> new HubDownloader(endpoint, null)
                .pull(REPO, "main", FILE, target, (d, t) -> {}));
        assertFalse(Files.exists(target), "no file under the final name before it is complete");
        Path part = dir.resolve("dinov2-small.safetensors.part");
        long kept = Files.size(part);
        assertTrue(kept > 0 && kept <= 100_000, "partial bytes kept: " + kept);

        // The server comes back on the same port; a new pull resumes from the partial file.
        int port = server.getAddress().getPort();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/" + REPO + "/resolve/main/" + FILE, this::resolve);
        server.createContext("/cdn/blob", this::blob);
        server.start();
        HubDownloader.Result result = new HubDownloader(endpoint, null).pull(REPO, "main", FILE, target, (d, t) -> {});
        assertEquals(kept, result.resumedFrom());
        assertEquals(List.of("bytes=" + kept + "-"), rangesAsked);
        assertArrayEquals(content, Files.readAllBytes(target));
        assertFalse(Files.exists(part));
    }

    @Test
    void aChecksumMismatchDeletesTheFileAndSaysSo(@TempDir Path dir) {
        announcedSha = "0".repeat(64);
        Path target = dir.resolve("dinov2-small.safetensors");
        IOException e = assertThrows(IOException.class, () -> new HubDownloader(endpoint, null)
                .pull(REPO, "main", FILE, target, (d, t) -> {}));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(dir.resolve("dinov2-small.safetensors.part")));
    }

    @Test
    void anUnknownRepositoryIsA404WithAHint(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> new HubDownloader(endpoint, null)
                .pull("facebook/nope", "main", FILE, dir.resolve("x.safetensors"), (d, t) -> {}));
        assertTrue(e.getMessage().contains("404") && e.getMessage().contains("no such repository"), e.getMessage());
    }

    @Test
    void knownModelsResolveShortAndFullNames() {
        assertEquals(
                "vitb14_reg4", KnownModels.find("dinov2-with-registers-base").preset());
        assertEquals("dinov2-giant.safetensors", KnownModels.fileName(KnownModels.find("facebook/dinov2-giant")));
        var e = assertThrows(IllegalArgumentException.class, () -> KnownModels.find("dinov3-small"));
        assertTrue(e.getMessage().contains("facebook/dinov2-small"), e.getMessage());
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
