package io.dinostream.bench;

import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.EmbeddedKafka;
import io.dinostream.common.kafka.KafkaSetup;
import io.dinostream.embedder.ImageEmbedder;
import io.dinostream.embedder.ImageEmbedders;
import io.dinostream.embedder.streams.EmbedderStreams;
import io.dinostream.index.streams.LatencyHistogram;
import io.dinostream.index.streams.StreamsIndex;
import io.dinostream.index.streams.StreamsIndexOptions;
import io.dinostream.ingest.FashionMnist;
import io.dinostream.ingest.ImagePublisher;
import io.dinostream.ingest.ImageSubmission;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * {@code dinostream bench pipeline}: how fast images go from ingest to searchable through Kafka, the
 * embedder and the index (Kafka Streams, exactly-once, in this JVM with an in-process broker), against the
 * bare embedder on the same model and batch size in the same run; then the ingest-to-searchable latency
 * (p50/p99) at half the pipeline's measured rate, on a fresh pipeline.
 */
public final class PipelineBenchmark {
    /** What to run. */
    public record Options(int images, double freshnessSeconds, DinostreamConfig config, Path workDir) {}

    /** The measurements. */
    public record Result(
            int images,
            int batchSize,
            double bareImagesPerSecond,
            double pipelineImagesPerSecond,
            double pacedImagesPerSecond,
            long pacedImages,
            long freshnessP50Ms,
            long freshnessP99Ms) {
        public double ratio() {
            return pipelineImagesPerSecond / bareImagesPerSecond;
        }
    }

    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    private PipelineBenchmark() {}

    public static Result run(Options options, Consumer<String> log) throws Exception {
        FashionMnist fmnist = FashionMnist.load(FashionMnist.DEFAULT_DIR, "test");
        List<byte[]> pngs = new ArrayList<>();
        for (int i = 0; i < options.images(); i++) {
            pngs.add(fmnist.png(i % 10_000));
        }
        int batch = options.config().getInt(DinostreamConfig.EMBEDDER_BATCH_SIZE);
        try (ImageEmbedder embedder = ImageEmbedders.fromConfig(options.config())) {
            double bare = bareRate(embedder, pngs, batch, log);
            double pipeline;
            try (Pipeline p =
                    Pipeline.start(options, embedder, options.workDir().resolve("throughput"))) {
                long started = System.nanoTime();
                p.publish(pngs, "burst", 0);
                p.awaitSize(pngs.size());
                pipeline = pngs.size() / ((System.nanoTime() - started) / 1e9);
            }
            log.accept(String.format("pipeline: %.1f images/s (bare embedder %.1f)", pipeline, bare));
            double paced = pipeline / 2;
            int pacedCount = (int) Math.max(50, paced * options.freshnessSeconds());
            List<byte[]> pacedImages = pngs.subList(0, Math.min(pngs.size(), pacedCount));
            LatencyHistogram freshness;
            try (Pipeline p =
                    Pipeline.start(options, embedder, options.workDir().resolve("freshness"))) {
                p.publish(pacedImages, "paced", paced);
                p.awaitSize(pacedImages.size());
                freshness = p.index.freshness();
            }
            log.accept(String.format(
                    "freshness at %.1f images/s: p50 %d ms, p99 %d ms",
                    paced, freshness.percentile(0.5), freshness.percentile(0.99)));
            return new Result(
                    pngs.size(),
                    batch,
                    bare,
                    pipeline,
                    paced,
                    freshness.count(),
                    freshness.percentile(0.5),
                    freshness.percentile(0.99));
        }
    }

    /** The embedder alone: the same images, batch size and model, no Kafka. */
    private static double bareRate(ImageEmbedder embedder, List<byte[]> pngs, int batch, Consumer<String> log) {
        embedder.embed(pngs.subList(0, Math.min(batch, pngs.size()))); // warm-up
        long started = System.nanoTime();
        for (int i = 0; i < pngs.size(); i += batch) {
            embedder.embed(pngs.subList(i, Math.min(pngs.size(), i + batch)));
        }
        double rate = pngs.size() / ((System.nanoTime() - started) / 1e9);
        log.accept(String.format("bare embedder: %.1f images/s", rate));
        return rate;
    }

    /** A broker, the embedder role and the index role in this JVM, on a fresh directory. */
    private static final class Pipeline implements AutoCloseable {
        private final EmbeddedKafka kafka;
        private final DinostreamConfig config;
        private final EmbedderStreams embedderRole;
        private final StreamsIndex index;

        private Pipeline(
                EmbeddedKafka kafka, DinostreamConfig config, EmbedderStreams embedderRole, StreamsIndex index) {
            this.kafka = kafka;
            this.config = config;
            this.embedderRole = embedderRole;
            this.index = index;
        }

        static Pipeline start(Options options, ImageEmbedder embedder, Path dir) throws Exception {
            Files.createDirectories(dir);
            EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
            Map<String, Object> values = new HashMap<>(options.config().originals());
            values.put(DinostreamConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            values.put(DinostreamConfig.DATA_DIR, dir.resolve("data").toString());
            DinostreamConfig config = new DinostreamConfig(values);
            KafkaSetup.createTopics(config);
            EmbedderStreams embedderRole = EmbedderStreams.start(config, embedder);
            StreamsIndex index = StreamsIndex.start(StreamsIndexOptions.fromConfig(config));
            if (!index.awaitRunning(Duration.ofMinutes(2))) {
                throw new IllegalStateException("the index did not start: " + index.state());
            }
            return new Pipeline(kafka, config, embedderRole, index);
        }

        /** Publishes every image, at {@code perSecond} (0: as fast as the producer goes), acks=all. */
        void publish(List<byte[]> pngs, String prefix, double perSecond) throws Exception {
            try (ImagePublisher publisher = new ImagePublisher(config, Clock.systemUTC())) {
                List<CompletableFuture<Void>> acks = new ArrayList<>();
                long started = System.nanoTime();
                for (int i = 0; i < pngs.size(); i++) {
                    if (perSecond > 0) {
                        long due = started + (long) (i / perSecond * 1e9);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // the pace of the load
                        }
                    }
                    acks.add(publisher.publish(new ImageSubmission(prefix + "-" + i, pngs.get(i), "bench", "{}")));
                }
                CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
            }
        }

        void awaitSize(long size) throws InterruptedException {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (index.size() < size) {
                if (System.nanoTime() > deadline
                        || index.failure().isPresent()
                        || embedderRole.failure().isPresent()) {
                    throw new IllegalStateException("pipeline stalled at " + index.size() + " of " + size + " images"
                            + index.failure().map(f -> ", index failed: " + f).orElse("")
                            + embedderRole
                                    .failure()
                                    .map(f -> ", embedder failed: " + f)
                                    .orElse(""));
                }
                Thread.sleep(10); // the resolution of the measurement
            }
        }

        @Override
        public void close() {
            try {
                embedderRole.close();
            } finally {
                try {
                    index.close();
                } finally {
                    kafka.close();
                }
            }
        }
    }

    public static String markdown(Result r) {
        return String.format(
                "| images | batch | bare embedder images/s | pipeline images/s | pipeline / bare | paced images/s | freshness p50 | freshness p99 |%n"
                        + "|---:|---:|---:|---:|---:|---:|---:|---:|%n"
                        + "| %d | %d | %.1f | %.1f | %.2f | %.1f (%d images) | %d ms | %d ms |%n",
                r.images(),
                r.batchSize(),
                r.bareImagesPerSecond(),
                r.pipelineImagesPerSecond(),
                r.ratio(),
                r.pacedImagesPerSecond(),
                r.pacedImages(),
                r.freshnessP50Ms(),
                r.freshnessP99Ms());
    }
}
