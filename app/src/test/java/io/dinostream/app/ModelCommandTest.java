package io.dinostream.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.embedder.hub.HubDownloader;
import io.dinostream.embedder.model.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dinostream model run|info|preprocess} against the official DINOv2 fixtures: the outputs the
 * command writes match the official code's within the fixture README's tolerances (1e-4 for the tiny
 * models, 1e-5 for normalised pixels).
 */
class ModelCommandTest {
    private static final Path FIXTURES = fixtures();

    @Test
    void runWritesTheOfficialOutputsForBothNamingsAndTheMaskedForward(@TempDir Path tmp) throws Exception {
        for (String fixture : List.of("tiny", "tiny-reg-swiglu")) {
            for (String weights : List.of("weights_official", "weights_hf")) {
                Path out = tmp.resolve(fixture + "-" + weights + ".safetensors");
                int code = Main.run(List.of(
                        "model",
                        "run",
                        "--weights",
                        FIXTURES.resolve(fixture + "/" + weights + ".safetensors")
                                .toString(),
                        "--heads",
                        "3",
                        // the fixtures build even the register model with the plain interpolation
                        "--interpolate-offset",
                        "0.1",
                        "--interpolate-antialias",
                        "false",
                        "--input",
                        FIXTURES.resolve(fixture + "/inputs.safetensors").toString(),
                        "--output",
                        out.toString()));
                assertEquals(0, code);
                Set<String> expectedNames = new TreeSet<>(List.of(
                        "x224.x_norm_clstoken",
                        "x224.x_norm_patchtokens",
                        "x154x210.x_norm_clstoken",
                        "x154x210.x_norm_patchtokens",
                        "x224_masked.x_norm_clstoken",
                        "x224_masked.x_norm_patchtokens"));
                if (fixture.equals("tiny-reg-swiglu")) {
                    expectedNames.addAll(List.of("x224.x_norm_regtokens", "x154x210.x_norm_regtokens"));
                }
                assertClose(FIXTURES.resolve(fixture + "/outputs.safetensors"), out, expectedNames, 1e-4);
            }
        }
    }

    @Test
    void preprocessWritesTheOfficialNormalisedTensor(@TempDir Path tmp) throws Exception {
        for (String image : List.of("img0_ladybird.jpg", "img1_yellowflower_gray_portrait.png", "img2_arc_rgba.png")) {
            Path out = tmp.resolve(image + ".safetensors");
            int code = Main.run(List.of(
                    "model",
                    "preprocess",
                    FIXTURES.resolve("preprocess/" + image).toString(),
                    "--output",
                    out.toString()));
            assertEquals(0, code);
            String name = image.substring(0, image.lastIndexOf('.')) + ".normalized";
            assertClose(FIXTURES.resolve("preprocess/preprocess.safetensors"), out, Set.of(name), 1e-5);
        }
    }

    @Test
    void infoAndBadArgumentsExitWithTheRightCodes(@TempDir Path tmp) throws Exception {
        assertEquals(
                0,
                Main.run(List.of(
                        "model",
                        "info",
                        FIXTURES.resolve("vits14/weights_official.safetensors").toString())));
        assertEquals(2, Main.run(List.of("model", "frobnicate")));
        assertEquals(2, Main.run(List.of("model", "run", "--input", "x")));
        Path notWeights = tmp.resolve("empty.safetensors");
        Files.write(notWeights, new byte[] {1, 2, 3});
        assertEquals(1, Main.run(List.of("model", "info", notWeights.toString())));
    }

    @Test
    void pullFetchesAModelFromAHubAndTheResultLoads(@TempDir Path tmp) throws Exception {
        byte[] weights = Files.readAllBytes(FIXTURES.resolve("vits14/weights_official.safetensors"));
        String sha = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(weights));
        com.sun.net.httpserver.HttpServer hub = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        hub.createContext("/facebook/dinov2-small/resolve/main/model.safetensors", exchange -> {
            exchange.getResponseHeaders().add("X-Linked-Size", Integer.toString(weights.length));
            exchange.getResponseHeaders().add("X-Linked-Etag", "\"" + sha + "\"");
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
            } else {
                exchange.sendResponseHeaders(200, weights.length);
                exchange.getResponseBody().write(weights);
            }
            exchange.close();
        });
        hub.start();
        String previous = System.setProperty(
                HubDownloader.ENDPOINT_PROPERTY,
                "http://127.0.0.1:" + hub.getAddress().getPort());
        try {
            Path dir = tmp.resolve("models");
            assertEquals(0, Main.run(List.of("model", "pull", "facebook/dinov2-small", "--dir", dir.toString())));
            Path pulled = dir.resolve("dinov2-small.safetensors");
            assertArrayEquals(weights, Files.readAllBytes(pulled));
            assertEquals(0, Main.run(List.of("model", "info", pulled.toString())));
            assertEquals(2, Main.run(List.of("model", "pull", "facebook/dinov3-small")));
        } finally {
            if (previous == null) {
                System.clearProperty(HubDownloader.ENDPOINT_PROPERTY);
            } else {
                System.setProperty(HubDownloader.ENDPOINT_PROPERTY, previous);
            }
            hub.stop(0);
        }
    }

    private static void assertClose(Path expectedFile, Path actualFile, Set<String> names, double atol)
            throws Exception {
        try (SafeTensors.Reader expected = SafeTensors.open(expectedFile);
                SafeTensors.Reader actual = SafeTensors.open(actualFile)) {
            assertEquals(names, new TreeSet<>(actual.tensors().keySet()), "tensors written");
            for (String name : names) {
                assertArrayEquals(expected.info(name).shape(), actual.info(name).shape(), name);
                float[] want = expected.readFloats(name);
                float[] got = actual.readFloats(name);
                double max = 0;
                for (int i = 0; i < want.length; i++) {
                    max = Math.max(max, Math.abs(want[i] - got[i]));
                }
                assertTrue(max <= atol, name + ": max abs diff " + max + " > " + atol);
            }
        }
    }

    private static Path fixtures() {
        String property = System.getProperty("dinostream.fixtures.dinov2");
        if (property != null) {
            return Path.of(property);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/fixtures/dinov2");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return Path.of("/work/shared/fixtures/dinov2");
    }
}
