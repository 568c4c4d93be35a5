package io.dinostream.bench;

import io.dinostream.api.ApiServer;
import io.dinostream.api.ApiServerOptions;
import io.dinostream.api.ApiServices;
import io.dinostream.api.cluster.ClusterIndexReader;
import io.dinostream.api.security.ApiAccess;
import io.dinostream.api.security.ApiKeys;
import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.EmbeddedKafka;
import io.dinostream.common.kafka.KafkaClients;
import io.dinostream.common.kafka.KafkaSetup;
import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.common.wire.Headers;
import io.dinostream.common.wire.Topics;
import io.dinostream.common.wire.VectorCodec;
import io.dinostream.embedder.ImageEmbedder;
import io.dinostream.embedder.ImageEmbedders;
import io.dinostream.index.ImageIndexReader;
import io.dinostream.index.SearchFilter;
import io.dinostream.index.streams.StreamsIndex;
import io.dinostream.index.streams.StreamsIndexOptions;
import io.dinostream.ingest.FashionMnist;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * {@code dinostream bench api}: the query API under load, against {@code --vectors} seeded vectors indexed by
 * the real Kafka Streams index (published to the embeddings topic of an in-process broker) and the
 * configured model for search by image, with a read key as a client would use. For search by vector and by
 * image: throughput and p50/p99 at several concurrencies over HTTP, against the same searches called in
 * process (the reference: what HTTP, JSON, authentication and scatter-gather add); then latency at a fixed
 * arrival rate (open loop), and optionally a soak at that rate with heap and resident memory per minute.
 */
public final class ApiBenchmark {
    /** What to run. */
    public record Options(
            int vectors,
            int clusters,
            List<Integer> vectorConcurrency,
            List<Integer> imageConcurrency,
            double seconds,
            double rate,
            double soakSeconds,
            double holdSeconds,
            DinostreamConfig config,
            Path workDir) {}

    /** One measured case; latencies in milliseconds. */
    public record Row(
            String query,
            String path,
            String load,
            long requests,
            long errors,
            double perSecond,
            double p50Ms,
            double p99Ms,
            double maxMs) {}

    /** One minute of the soak. */
    public record SoakMinute(
            int minute,
            long requests,
            long errors,
            double p50Ms,
            double p99Ms,
            double heapAfterGcMb,
            double residentMb) {}

    /** Memory may grow this much over the soak (after its first minute), not more. */
    static final double HEAP_GROWTH_LIMIT_MB = 16;

    static final double RESIDENT_GROWTH_LIMIT_MB = 64;

    /** The measurements. */
    public record Result(
            int vectors,
            int clusters,
            int dimension,
            String factory,
            String model,
            List<Row> rows,
            List<SoakMinute> soak) {
        /** Heap after GC and resident memory stayed within their limits from the soak's first minute on. */
        public boolean memoryFlat() {
            if (soak.size() < 2) {
                return true;
            }
            SoakMinute first = soak.get(0);
            SoakMinute last = soak.get(soak.size() - 1);
            return last.heapAfterGcMb() - first.heapAfterGcMb() <= HEAP_GROWTH_LIMIT_MB
                    && last.residentMb() - first.residentMb() <= RESIDENT_GROWTH_LIMIT_MB;
        }

        public long errors() {
            return rows.stream().mapToLong(Row::errors).sum()
                    + soak.stream().mapToLong(SoakMinute::errors).sum();
        }
    }

    private static final int K = 10;
    private static final double WARM_UP_SECONDS = 3;
    private static final String KEY = "ds_bench_read_key_0123456789abcdef";

    private ApiBenchmark() {}

    public static Result run(Options options, Consumer<String> log) throws Exception {
        Files.createDirectories(options.workDir());
        try (EmbeddedKafka kafka = EmbeddedKafka.start(options.workDir().resolve("kafka"));
                ImageEmbedder embedder = ImageEmbedders.fromConfig(options.config())) {
            Map<String, Object> values = new HashMap<>(options.config().originals());
            values.put(DinostreamConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            values.put(
                    DinostreamConfig.DATA_DIR, options.workDir().resolve("data").toString());
            DinostreamConfig config = new DinostreamConfig(values);
            KafkaSetup.createTopics(config);
            EmbeddingSpec spec = embedder.spec();
            try (StreamsIndex index = StreamsIndex.start(StreamsIndexOptions.fromConfig(config))) {
                if (!index.awaitRunning(Duration.ofMinutes(2))) {
                    throw new IllegalStateException("the index did not start: " + index.state());
                }
                publishVectors(
                        config,
                        spec,
                        new SyntheticVectors(spec.dimension(), options.clusters(), 42),
                        options.vectors(),
                        log);
                awaitIndexed(index, options.vectors(), log);
                ImageIndexReader reader = new ClusterIndexReader(index, Duration.ofSeconds(5), null);
                return measure(options, embedder, reader, spec, log);
            }
        }
    }

    private static Result measure(
            Options options, ImageEmbedder embedder, ImageIndexReader reader, EmbeddingSpec spec, Consumer<String> log)
            throws Exception {
        SyntheticVectors source = new SyntheticVectors(spec.dimension(), options.clusters(), 42);
        List<float[]> queries = new ArrayList<>();
        List<Buffer> vectorBodies = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            float[] vector = source.next();
            queries.add(vector);
            JsonArray array = new JsonArray();
            for (float v : vector) {
                array.add(v);
            }
            vectorBodies.add(new JsonObject().put("vector", array).put("k", K).toBuffer());
        }
        FashionMnist fmnist = FashionMnist.load(FashionMnist.DEFAULT_DIR, "test");
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            images.add(fmnist.png(i));
        }
        String[] jsonHeaders = {"Content-Type", "application/json", "X-Api-Key", KEY};
        String[] imageHeaders = {"Content-Type", "image/png", "X-Api-Key", KEY};
        IntFunction<HttpLoad.Call> byVector = i -> new HttpLoad.Call(
                HttpMethod.POST, "/v1/search", jsonHeaders, vectorBodies.get(i % vectorBodies.size()));
        IntFunction<HttpLoad.Call> byImage = i -> new HttpLoad.Call(
                HttpMethod.POST, "/v1/search?k=" + K, imageHeaders, Buffer.buffer(images.get(i % images.size())));

        ApiAccess access =
                new ApiAccess(ApiKeys.parse("bench:read:" + KEY, "bench api"), false, 0, Duration.ofSeconds(30));
        Vertx vertx = Vertx.vertx();
        ApiServer server = ApiServer.create(
                vertx,
                new ApiServerOptions(
                        "127.0.0.1",
                        0,
                        ApiServerOptions.DEFAULT_WORKER_THREADS,
                        options.config().imageMaxBytes(),
                        access),
                ApiServices.search(embedder, reader));
        List<Row> rows = new ArrayList<>();
        List<SoakMinute> soak = new ArrayList<>();
        try {
            int port = server.start().await();
            int maxConnections = Math.max(
                    64,
                    options.vectorConcurrency().stream()
                            .mapToInt(Integer::intValue)
                            .max()
                            .orElse(1));
            try (HttpLoad load = new HttpLoad(port, maxConnections)) {
                for (int c : options.vectorConcurrency()) {
                    rows.add(direct(
                            "vector",
                            c,
                            options.seconds(),
                            i -> reader.searchShards(queries.get(i % queries.size()), K, SearchFilter.NONE),
                            log));
                    rows.add(row(
                            "vector",
                            "HTTP",
                            "closed, " + c + " in flight",
                            load.closedLoop(c, WARM_UP_SECONDS, options.seconds(), byVector),
                            log));
                }
                for (int c : options.imageConcurrency()) {
                    rows.add(direct(
                            "image",
                            c,
                            options.seconds(),
                            i -> reader.searchShards(
                                    embedder.embedOne(images.get(i % images.size())), K, SearchFilter.NONE),
                            log));
                    rows.add(row(
                            "image",
                            "HTTP",
                            "closed, " + c + " in flight",
                            load.closedLoop(c, WARM_UP_SECONDS, options.seconds(), byImage),
                            log));
                }
                rows.add(row(
                        "vector",
                        "HTTP",
                        String.format("open, %.0f/s", options.rate()),
                        load.openLoop(options.rate(), options.seconds(), byVector),
                        log));
                int minutes = (int) Math.ceil(options.soakSeconds() / 60);
                for (int m = 1; m <= minutes; m++) {
                    HttpLoad.Measured window =
                            load.openLoop(options.rate(), Math.min(60, options.soakSeconds() - (m - 1) * 60), byVector);
                    SoakMinute minute = new SoakMinute(
                            m,
                            window.requests(),
                            window.errors(),
                            window.p50Ms(),
                            window.p99Ms(),
                            ProcessMemory.heapUsedAfterGc() / 1e6,
                            ProcessMemory.residentBytes() / 1e6);
                    soak.add(minute);
                    log.accept(String.format(
                            "soak minute %d: %d requests, %d errors, p50 %.2f ms, p99 %.2f ms, heap after GC %.1f MB, resident %.1f MB",
                            m,
                            minute.requests(),
                            minute.errors(),
                            minute.p50Ms(),
                            minute.p99Ms(),
                            minute.heapAfterGcMb(),
                            minute.residentMb()));
                }
            }
            if (options.holdSeconds() > 0) {
                hold(options, port, vectorBodies.get(0), log);
            }
        } finally {
            server.close().await();
            vertx.close().await();
        }
        return new Result(
                options.vectors(),
                options.clusters(),
                spec.dimension(),
                options.config().getString(DinostreamConfig.INDEX_FAISS_FACTORY),
                spec.modelId() + " " + spec.modelVersion(),
                rows,
                soak);
    }

    /** Keeps serving so that an external tool (wrk) can be pointed at the server; writes its Lua script. */
    private static void hold(Options options, int port, Buffer vectorBody, Consumer<String> log) throws Exception {
        Path script = options.workDir().resolve("search-by-vector.lua");
        Files.writeString(
                script,
                "wrk.method = \"POST\"\n"
                        + "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
                        + "wrk.headers[\"X-Api-Key\"] = \"" + KEY + "\"\n"
                        + "wrk.body = '" + vectorBody.toString(StandardCharsets.UTF_8) + "'\n");
        log.accept(String.format(
                "serving on http://127.0.0.1:%d for %.0f s; e.g. wrk -t2 -c16 -d30s --latency -s %s http://127.0.0.1:%d/v1/search",
                port, options.holdSeconds(), script, port));
        Thread.sleep((long) (options.holdSeconds() * 1000));
    }

    /** The reference: the same search called in process from {@code threads} threads, no HTTP. */
    private static Row direct(String query, int threads, double seconds, IntFunction<Object> call, Consumer<String> log)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (double s : new double[] {WARM_UP_SECONDS, seconds}) {
                HttpLoad.Latencies latencies = new HttpLoad.Latencies();
                long started = System.nanoTime();
                long deadline = started + (long) (s * 1e9);
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int offset = t * 7919;
                    workers.add(pool.submit(() -> {
                        for (int i = offset; System.nanoTime() < deadline; i++) {
                            long sent = System.nanoTime();
                            call.apply(i);
                            latencies.record(System.nanoTime() - sent, null);
                        }
                    }));
                }
                for (Future<?> worker : workers) {
                    worker.get();
                }
                if (s == seconds) {
                    return row(
                            query,
                            "in process",
                            threads + " threads",
                            latencies.measured((System.nanoTime() - started) / 1e9),
                            log);
                }
            }
            throw new AssertionError("unreachable");
        } finally {
            pool.shutdownNow();
        }
    }

    private static Row row(String query, String path, String load, HttpLoad.Measured m, Consumer<String> log) {
        Row row = new Row(query, path, load, m.requests(), m.errors(), m.perSecond(), m.p50Ms(), m.p99Ms(), m.maxMs());
        log.accept(String.format(
                "%s by %s, %s: %.0f/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms, %d errors%s",
                path,
                query,
                load,
                row.perSecond(),
                row.p50Ms(),
                row.p99Ms(),
                row.maxMs(),
                row.errors(),
                m.firstError() == null ? "" : " (first: " + m.firstError() + ")"));
        return row;
    }

    private static void publishVectors(
            DinostreamConfig config, EmbeddingSpec spec, SyntheticVectors source, int count, Consumer<String> log)
            throws Exception {
        Map<String, Object> props = KafkaClients.producer(config, "bench-api-vectors");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20);
        long started = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < count; i++) {
                RecordHeaders headers = new RecordHeaders();
                spec.writeTo(headers);
                headers.add(Headers.SOURCE, "bench".getBytes(StandardCharsets.UTF_8));
                headers.add(
                        Headers.INGEST_TIME,
                        Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
                headers.add(Headers.METADATA, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
                producer.send(new ProducerRecord<>(
                        Topics.EMBEDDINGS,
                        null,
                        String.format("vec-%07d", i).getBytes(StandardCharsets.UTF_8),
                        VectorCodec.encode(source.next()),
                        headers));
            }
            producer.flush();
        }
        log.accept(String.format("published %,d vectors in %.1f s", count, (System.nanoTime() - started) / 1e9));
    }

    private static void awaitIndexed(StreamsIndex index, int count, Consumer<String> log) throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + Duration.ofMinutes(30).toNanos();
        long lastLog = 0;
        while (index.size() < count) {
            if (index.failure().isPresent() || System.nanoTime() > deadline) {
                throw new IllegalStateException("indexing stalled at " + index.size() + " of " + count
                        + index.failure().map(f -> ": " + f).orElse(""));
            }
            if (System.nanoTime() - lastLog > 10e9) {
                log.accept(String.format("indexed %,d of %,d", index.size(), count));
                lastLog = System.nanoTime();
            }
            Thread.sleep(100);
        }
        log.accept(String.format("indexed %,d vectors in %.1f s", count, (System.nanoTime() - started) / 1e9));
    }

    public static String markdown(Result r) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                "%,d seeded unit vectors of %d dimensions (%s) in the Kafka Streams index (FAISS %s), model %s,"
                        + " k=%d, a read key on every request.%n%n",
                r.vectors(),
                r.dimension(),
                r.clusters() == 0 ? "uniform on the sphere" : r.clusters() + " Gaussian clusters, like embeddings",
                r.factory(),
                r.model(),
                K));
        out.append("| query | path | load | requests | errors | per second | p50 ms | p99 ms | max ms |\n");
        out.append("|---|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (Row row : r.rows()) {
            out.append(String.format(
                    "| %s | %s | %s | %d | %d | %.0f | %.2f | %.2f | %.1f |%n",
                    row.query(),
                    row.path(),
                    row.load(),
                    row.requests(),
                    row.errors(),
                    row.perSecond(),
                    row.p50Ms(),
                    row.p99Ms(),
                    row.maxMs()));
        }
        out.append("\nHTTP / in process (throughput at the same concurrency):");
        for (int i = 0; i + 1 < r.rows().size(); i += 2) {
            Row direct = r.rows().get(i);
            Row http = r.rows().get(i + 1);
            if (direct.path().equals("in process") && http.path().equals("HTTP")) {
                out.append(String.format(
                        " %s x%s %.2f;",
                        direct.query(), direct.load().split(" ")[0], http.perSecond() / direct.perSecond()));
            }
        }
        out.append('\n');
        if (!r.soak().isEmpty()) {
            out.append("\nSoak (open loop, search by vector):\n\n");
            out.append("| minute | requests | errors | p50 ms | p99 ms | heap after GC MB | resident MB |\n");
            out.append("|---:|---:|---:|---:|---:|---:|---:|\n");
            for (SoakMinute m : r.soak()) {
                out.append(String.format(
                        "| %d | %d | %d | %.2f | %.2f | %.1f | %.1f |%n",
                        m.minute(), m.requests(), m.errors(), m.p50Ms(), m.p99Ms(), m.heapAfterGcMb(), m.residentMb()));
            }
            SoakMinute first = r.soak().get(0);
            SoakMinute last = r.soak().get(r.soak().size() - 1);
            out.append(String.format(
                    "%nFrom minute 1 to minute %d: heap after GC %+.1f MB, resident %+.1f MB: %s"
                            + " (limits %.0f MB heap, %.0f MB resident). Memory is read between minutes, after a"
                            + " full collection, when every request of the minute has been answered.%n",
                    last.minute(),
                    last.heapAfterGcMb() - first.heapAfterGcMb(),
                    last.residentMb() - first.residentMb(),
                    r.memoryFlat() ? "flat" : "GROWING",
                    HEAP_GROWTH_LIMIT_MB,
                    RESIDENT_GROWTH_LIMIT_MB));
        }
        return out.toString();
    }
}
