package io.dinostream.embedder.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads one file of a hub repository ({@code <endpoint>/<repo>/resolve/<revision>/<file>}) the way
 * the Hugging Face hub serves it: a {@code HEAD} names the size ({@code X-Linked-Size} or
 * {@code Content-Length}) and, for LFS files, the SHA-256 ({@code X-Linked-Etag}); the {@code GET} may
 * redirect to a CDN. Bytes go to {@code <target>.part}; an interrupted download resumes from there with
 * a {@code Range} request. The finished file is checked against the size and SHA-256 and only then
 * renamed into place, so a file under the final name is always complete.
 */
public final class HubDownloader {
    /** The public hub; {@code HF_ENDPOINT} overrides it as in Hugging Face's own tools. */
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    private static final Pattern SHA256 = Pattern.compile("\"?(?:W/)?\"?([0-9a-fA-F]{64})\"?");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final int BUFFER = 1 << 16;

    /** Told how many bytes of how many are on disk; called often, from the downloading thread. */
    @FunctionalInterface
    public interface Progress {
        void update(long bytesDone, long bytesTotal);
    }

    /** What a pull did. */
    public record Result(Path file, long bytes, String sha256, boolean alreadyPresent, long resumedFrom) {}

    private final HttpClient client;
    private final URI endpoint;
    private final String token;

    /**
     * @param endpoint e.g. {@link #DEFAULT_ENDPOINT}
     * @param token a hub access token sent as {@code Authorization: Bearer}, or null
     */
    public HubDownloader(URI endpoint, String token) {
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20))
                .build();
        this.endpoint = endpoint;
        this.token = token;
    }

    /**
     * The endpoint from the system property {@value #ENDPOINT_PROPERTY}, else {@code HF_ENDPOINT}, else
     * {@link #DEFAULT_ENDPOINT}.
     */
    public static URI endpointFromEnvironment() {
        String property = System.getProperty(ENDPOINT_PROPERTY);
        if (property != null && !property.isBlank()) {
            return URI.create(property);
        }
        String env = System.getenv("HF_ENDPOINT");
        return URI.create(env == null || env.isBlank() ? DEFAULT_ENDPOINT : env);
    }

    /** System property naming the hub endpoint (a mirror, or a local server in tests). */
    public static final String ENDPOINT_PROPERTY = "dinostream.hub.endpoint";

    /**
     * Downloads {@code file} of {@code repository} at {@code revision} to {@code target}.
     *
     * @throws IOException if the server cannot be reached or answers an error (the partial file is kept
     *     for a resume), or if the finished file does not match the announced size or SHA-256 (the
     *     partial file is deleted)
     */
    public Result pull(String repository, String revision, String file, Path target, Progress progress)
            throws IOException, InterruptedException {
        URI uri = endpoint.resolve("/" + repository + "/resolve/" + revision + "/" + file);
        Announced announced = head(uri);
        if (Files.isRegularFile(target) && announced.size() >= 0 && Files.size(target) == announced.size()) {
            String digest = sha256(target);
            if (announced.sha256().map(digest::equalsIgnoreCase).orElse(true)) {
                progress.update(announced.size(), announced.size());
                return new Result(target, announced.size(), digest, true, 0);
            }
        }
        Files.createDirectories(target.toAbsolutePath().getParent());
        Path part = target.resolveSibling(target.getFileName() + ".part");
        long resumedFrom = Files.isRegularFile(part) ? Files.size(part) : 0;
        if (announced.size() >= 0 && resumedFrom > announced.size()) {
            Files.delete(part);
            resumedFrom = 0;
        }
        if (announced.size() < 0 || resumedFrom < announced.size()) {
            resumedFrom = download(uri, part, resumedFrom, announced.size(), progress);
        }
        long size = Files.size(part);
        if (announced.size() >= 0 && size != announced.size()) {
            Files.delete(part);
            throw new IOException(uri + ": downloaded " + size + " bytes, the server announced " + announced.size()
                    + "; the partial file was deleted, run the pull again");
        }
        String digest = sha256(part);
        if (announced.sha256().isPresent() && !announced.sha256().get().equalsIgnoreCase(digest)) {
            Files.delete(part);
            throw new IOException(uri + ": SHA-256 " + digest + " does not match the announced "
                    + announced.sha256().get() + "; the corrupt file was deleted, run the pull again");
        }
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        progress.update(size, size);
        return new Result(target, size, digest, false, resumedFrom);
    }

    private record Announced(long size, Optional<String> sha256) {}

    private Announced head(URI uri) throws IOException, InterruptedException {
        HttpResponse<Void> response = client.send(
                request(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        // The hub answers HEAD with a redirect carrying the LFS headers; followed redirects keep the
        // earlier response reachable through previousResponse().
        long size = -1;
        Optional<String> sha = Optional.empty();
        for (HttpResponse<?> r = response; r != null; r = r.previousResponse().orElse(null)) {
            if (size < 0) {
                size = r.headers().firstValueAsLong("x-linked-size").orElse(-1);
            }
            if (sha.isEmpty()) {
                sha = r.headers().firstValue("x-linked-etag").flatMap(HubDownloader::sha256Of);
            }
        }
        requireOk(uri, response.statusCode(), "HEAD");
        if (size < 0) {
            size = response.headers().firstValueAsLong("content-length").orElse(-1);
        }
        if (sha.isEmpty()) {
            sha = response.headers().firstValue("etag").flatMap(HubDownloader::sha256Of);
        }
        return new Announced(size, sha);
    }

    private long download(URI uri, Path part, long from, long total, Progress progress)
            throws IOException, InterruptedException {
        HttpRequest.Builder get = request(uri).GET();
        if (from > 0) {
            get.header("Range", "bytes=" + from + "-");
        }
        HttpResponse<InputStream> response = client.send(get.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            boolean append;
            if (from > 0 && response.statusCode() == 206) {
                long start = contentRangeStart(uri, response);
                if (start != from) {
                    throw new IOException(uri + ": asked for bytes from " + from + ", got a range from " + start);
                }
                append = true;
            } else {
                requireOk(uri, response.statusCode(), "GET");
                append = false; // no range support: start over
            }
            long done = append ? from : 0;
            try (OutputStream out = Files.newOutputStream(
                    part,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] buffer = new byte[BUFFER];
                int n;
                while ((n = body.read(buffer)) > 0) {
                    out.write(buffer, 0, n);
                    done += n;
                    progress.update(done, total);
                }
            }
            return append ? from : 0;
        }
    }

    private static long contentRangeStart(URI uri, HttpResponse<?> response) throws IOException {
        String header = response.headers().firstValue("content-range").orElse("");
        Matcher m = CONTENT_RANGE.matcher(header);
        if (!m.matches()) {
            throw new IOException(uri + ": 206 without a usable Content-Range ('" + header + "')");
        }
        return Long.parseLong(m.group(1));
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2)).header("User-Agent", "dinostream");
        if (token != null && !token.isBlank()) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private static void requireOk(URI uri, int status, String method) throws IOException {
        if (status / 100 != 2) {
            String hint = status == 401 || status == 403
                    ? " (a gated or private repository needs a token: set HF_TOKEN)"
                    : status == 404 ? " (no such repository, revision or file)" : "";
            throw new IOException(method + " " + uri + " answered HTTP " + status + hint);
        }
    }

    private static Optional<String> sha256Of(String etag) {
        Matcher m = SHA256.matcher(etag.trim());
        return m.matches() ? Optional.of(m.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[BUFFER];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
