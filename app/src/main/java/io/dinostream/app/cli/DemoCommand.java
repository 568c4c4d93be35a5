package io.dinostream.app.cli;

import io.dinostream.app.roles.IndexRole;
import io.dinostream.app.roles.Node;
import io.dinostream.app.roles.Role;
import io.dinostream.common.config.ConfigSources;
import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.EmbeddedKafka;
import io.dinostream.embedder.ImageEmbedder;
import io.dinostream.index.ImageIndexReader;
import io.dinostream.index.SearchHit;
import io.dinostream.ingest.ImageCandidate;
import io.dinostream.ingest.ImagePublisher;
import io.dinostream.ingest.ImageSources;
import io.dinostream.ingest.Ingestor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code dinostream demo}: the whole system in one JVM with an in-process Kafka broker, fed with
 * Fashion-MNIST.
 */
public final class DemoCommand implements Command {
    private static final Duration INDEX_TIMEOUT = Duration.ofMinutes(30);

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "everything in one JVM: in-process Kafka, all roles, Fashion-MNIST, the web page";
    }

    @Override
    public String help() {
        return """
                usage: dinostream demo [--limit N] [--smoke] [--source SPEC] [--port 8080] [options]

                Starts an in-process Kafka broker (unless --bootstrap-servers is given), creates the topics,
                runs the ingest, embedder, index and API roles in this JVM, ingests the Fashion-MNIST test images
                with a progress bar, waits until they are indexed, prints a sample query and its results,
                and serves the API and the search page on http://127.0.0.1:8080 until Ctrl-C. State lives
                under --data-dir (default data/demo): a second run reuses it.

                options:
                  --limit N                      ingest at most N images (default 10000)
                  --source SPEC                  what to ingest (default fashion-mnist:test); a file or directory also works
                  --smoke                        exit 0 once everything is indexed and a query was verified (searching
                                                 with an ingested image returns that image first), non-zero otherwise
                  --port N                       alias of --api-port
                  --config FILE                  properties file read before the flags
                """
                + ConfigSources.help(DinostreamConfig.DEFINITION, ServeCommand.KEYS);
    }

    @Override
    public int run(List<String> rawArgs) throws Exception {
        Args args = Args.parse(
                rawArgs, List.of("limit", "source"), List.of("smoke"), Map.of(DinostreamConfig.DATA_DIR, "data/demo"));
        args.requireNoPositional();
        int limit = args.intOption("limit", 10_000, 1, Integer.MAX_VALUE);
        boolean smoke = args.flag("smoke");
        List<ImageCandidate> candidates = ImageSources.resolve(args.option("source", "fashion-mnist:test"), limit);

        EmbeddedKafka kafka = null;
        DinostreamConfig config = args.config;
        if (config.bootstrapServers().isBlank()) {
            System.err.println("Starting the in-process Kafka broker...");
            kafka = EmbeddedKafka.start(config.dataDir().resolve("kafka"));
            Map<String, Object> values = new HashMap<>(config.originals());
            values.put(DinostreamConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            config = new DinostreamConfig(values);
        }
        try (EmbeddedKafka ownedKafka = kafka;
                Node node = Node.start(config, EnumSet.allOf(Role.class))) {
            Ingestor.Report report;
            try (ImagePublisher publisher = new ImagePublisher(config, Clock.systemUTC())) {
                ProgressBar bar = new ProgressBar(System.err, "ingest ", candidates.size());
                report = new Ingestor(publisher, config.imageMaxBytes()).ingest(candidates, bar::update);
                bar.finish();
            }
            IngestCommand.printReport(report);
            IndexRole role = node.indexRole().orElseThrow();
            ImageIndexReader index = node.index().orElseThrow();
            if (!awaitIndexed(role, index, report.publishedIds())) {
                System.err.println("demo: not every image was indexed within " + INDEX_TIMEOUT
                        + role.failure().map(f -> " (index failed: " + f + ")").orElse(""));
                return 1;
            }
            boolean verified = sampleQuery(node.embedder().orElseThrow(), index, candidates, report);
            String url = "http://" + config.getString(DinostreamConfig.API_HOST) + ":"
                    + node.apiPort().orElseThrow();
            if (smoke) {
                System.out.println(
                        verified ? "smoke test passed" : "smoke test FAILED: the query image did not come back first");
                return verified ? 0 : 1;
            }
            System.out.println("\nSearch page and API: " + url + "   (Ctrl-C to stop)");
            System.out.println("The API key printed above opens both (paste it into the page's key field).");
            System.out.println("Try: ./dinostream search <image.png> --url " + url);
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "dinostream-demo-shutdown"));
            stop.await();
            return 0;
        }
    }

    /**
     * Polls until every published id has a vector, showing progress, or the index role fails or the
     * timeout passes.
     */
    static boolean awaitIndexed(IndexRole role, ImageIndexReader index, List<String> ids) throws InterruptedException {
        Set<String> waiting = new HashSet<>(ids);
        ProgressBar bar = new ProgressBar(System.err, "indexed", ids.size());
        long deadline = System.nanoTime() + INDEX_TIMEOUT.toNanos();
        while (!waiting.isEmpty()) {
            waiting.removeIf(
                    id -> index.get(id).map(image -> image.vector() != null).orElse(false));
            bar.update(ids.size() - waiting.size());
            if (waiting.isEmpty()) {
                break;
            }
            if (role.failure().isPresent() || System.nanoTime() > deadline) {
                bar.finish();
                return false;
            }
            Thread.sleep(250); // polling interval of a progress display, not a wait for a result
        }
        bar.finish();
        return true;
    }

    /** Searches with the first ingested image and prints the results; true if it came back first. */
    static boolean sampleQuery(
            ImageEmbedder embedder, ImageIndexReader index, List<ImageCandidate> candidates, Ingestor.Report report)
            throws Exception {
        if (report.publishedIds().isEmpty()) {
            return false;
        }
        String queryId = report.publishedIds().get(0);
        byte[] queryImage = null;
        for (ImageCandidate candidate : candidates) {
            var submission = candidate.load(Integer.MAX_VALUE);
            if (submission.id().equals(queryId)) {
                queryImage = submission.bytes();
                break;
            }
        }
        List<SearchHit> hits = index.search(embedder.embedOne(queryImage), 5);
        System.out.println("\nSample query: image " + queryId + " ("
                + index.get(queryId).map(i -> i.metadataJson()).orElse("{}") + ")");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < hits.size(); i++) {
            SearchHit hit = hits.get(i);
            lines.add(String.format("  %d. %-28s score %.4f  %s", i + 1, hit.id(), hit.score(), hit.metadataJson()));
        }
        lines.forEach(System.out::println);
        return !hits.isEmpty()
                && hits.get(0).id().equals(queryId)
                && hits.get(0).score() >= 0.999f;
    }
}
