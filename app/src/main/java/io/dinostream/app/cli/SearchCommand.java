package io.dinostream.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code dinostream search}: asks a running API for the images most similar to a local image file. */
public final class SearchCommand implements Command {
    @Override
    public String name() {
        return "search";
    }

    @Override
    public String summary() {
        return "search a running dinostream API with an image file";
    }

    @Override
    public String help() {
        return """
                usage: dinostream search <image> [--k 10] [--url http://127.0.0.1:8080]

                Uploads the image to POST /v1/search of a running API (started by 'dinostream demo' or
                'dinostream serve --roles ...,api') and prints the results, best first. The API key (a
                read key; the server prints a generated one at start) comes from the environment variable
                DINOSTREAM_API_KEY, or --api-key.

                options:
                  --k N          number of results, 1..1000 (default 10)
                  --url URL      base URL of the API (default http://127.0.0.1:8080)
                  --api-key KEY  the API key (prefer DINOSTREAM_API_KEY: the command line is visible to others)
                """;
    }

    /** Environment variable with the API key the search sends. */
    static final String API_KEY_ENV = "DINOSTREAM_API_KEY";

    @Override
    public int run(List<String> rawArgs) throws Exception {
        Args args = Args.parse(rawArgs, List.of("k", "url", "api-key"), List.of(), Map.of());
        Path image = Path.of(args.onePositional("image file"));
        int k = args.intOption("k", 10, 1, 1000);
        String url = args.option("url", "http://127.0.0.1:8080");
        if (!Files.isRegularFile(image)) {
            throw new UsageException("no such file: " + image);
        }
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url + "/v1/search?k=" + k))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(image));
        // The environment keeps the key out of the process list; --api-key is there for scripts.
        String key = args.option("api-key", System.getenv(API_KEY_ENV));
        if (key != null && !key.isBlank()) {
            builder.header("Authorization", "Bearer " + key.trim());
        }
        HttpRequest request = builder.build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body = new ObjectMapper().readTree(response.body());
        if (response.statusCode() != 200) {
            System.err.printf(
                    "search failed: HTTP %d %s%n",
                    response.statusCode(), body.path("error").path("message").asText(response.body()));
            return 1;
        }
        System.out.print(format(body));
        return 0;
    }

    /** The results as a table: rank, score, id, metadata. */
    static String format(JsonNode body) {
        StringBuilder out = new StringBuilder();
        JsonNode model = body.path("model");
        out.append(String.format(
                "model %s@%s%n",
                model.path("id").asText("?"), model.path("version").asText("?")));
        int rank = 1;
        for (JsonNode hit : body.path("results")) {
            out.append(String.format(
                    "%3d  %.4f  %-32s %s%n",
                    rank++, hit.path("score").asDouble(), hit.path("id").asText(), hit.path("metadata")));
        }
        return out.toString();
    }
}
