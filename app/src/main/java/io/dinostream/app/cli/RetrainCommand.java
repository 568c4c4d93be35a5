package io.dinostream.app.cli;

import io.dinostream.app.retrain.RetrainLoop;
import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.KafkaClients;
import io.dinostream.common.wire.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/** {@code dinostream retrain}: the retrain loop, once or on a schedule (docs/operations.md). */
public final class RetrainCommand implements Command {
    @Override
    public String name() {
        return "retrain";
    }

    @Override
    public String summary() {
        return "retrain loop: curate, continue training the teacher, distill, evaluate, register, activate if better";
    }

    @Override
    public String help() {
        return """
                usage: dinostream retrain --pool SPEC --out DIR (--once | --every-images N | --every-minutes M)
                                          [--target N] [--epochs N] [--images-per-epoch N] [--batch-size N]
                                          [--eval-train N] [--eval-test N] [--auto-activate] [--tolerance T]
                                          [--seed N] --bootstrap-servers HOST:PORT

                Each iteration, in DIR/<time>/: curates the pool (curate), continues training the teacher
                of the active version from the curated images (train --init), distills a student from it
                (distill), evaluates the student and the active version by k-NN on the same splits, and
                registers the teacher and the student (parent: what it came from; each step's report kept
                with the version). With --auto-activate, the student's activation is requested when its
                k-NN is no lower than the active version's minus --tolerance: serving nodes backfill its
                index and flip. Every step runs in its own JVM, and its log stays in the iteration's
                directory.

                options:
                  --pool SPEC            the images to curate: kafka:TOPIC, dir:PATH, fashion-mnist:train, ...
                  --out DIR              where iterations go (required)
                  --once                 one iteration, then exit
                  --every-images N       an iteration each time N more records reached the images topic
                  --every-minutes M      an iteration every M minutes
                  --target N             images the curation keeps (default 10000)
                  --epochs N             training and distillation epochs (default 10)
                  --images-per-epoch N   images of each epoch (default all)
                  --batch-size N         images per step (default 64)
                  --eval-train N         k-NN bank: first N Fashion-MNIST train images (default 10000)
                  --eval-test N          k-NN queries: first N test images (default 2000)
                  --auto-activate        request the activation of a student that passes the gate
                  --tolerance T          k-NN points the student may lose and still pass (default 0)
                  --seed N               every step's seed (default 0)
                """;
    }

    @Override
    public int run(List<String> rawArgs) throws Exception {
        Args args = Args.parse(
                rawArgs,
                List.of(
                        "pool",
                        "out",
                        "every-images",
                        "every-minutes",
                        "target",
                        "epochs",
                        "images-per-epoch",
                        "batch-size",
                        "eval-train",
                        "eval-test",
                        "tolerance",
                        "seed"),
                List.of("once", "auto-activate"),
                Map.of());
        args.requireNoPositional();
        args.requireBootstrapServers();
        String pool = args.option("pool", null);
        String out = args.option("out", null);
        if (pool == null || out == null) {
            throw new UsageException("--pool and --out are required");
        }
        int everyImages = args.intOption("every-images", 0, 0, Integer.MAX_VALUE);
        int everyMinutes = args.intOption("every-minutes", 0, 0, Integer.MAX_VALUE);
        boolean once = args.flag("once");
        if ((once ? 1 : 0) + (everyImages > 0 ? 1 : 0) + (everyMinutes > 0 ? 1 : 0) != 1) {
            throw new UsageException("give exactly one of --once, --every-images N, --every-minutes M");
        }
        RetrainLoop.Options options = new RetrainLoop.Options(
                pool,
                args.intOption("target", 10_000, 1, Integer.MAX_VALUE),
                args.intOption("epochs", 10, 1, 100_000),
                args.intOption("images-per-epoch", 0, 0, Integer.MAX_VALUE),
                args.intOption("batch-size", 64, 2, 100_000),
                args.intOption("eval-train", 10_000, 1, 60_000),
                args.intOption("eval-test", 2_000, 1, 10_000),
                args.flag("auto-activate"),
                args.doubleOption("tolerance", 0, 0, 100),
                args.intOption("seed", 0, 0, Integer.MAX_VALUE));
        DinostreamConfig config = args.config;
        RetrainLoop loop = new RetrainLoop(
                config,
                List.of(
                        "--bootstrap-servers", config.bootstrapServers(),
                        "--data-dir", config.dataDir().toAbsolutePath().toString(),
                        "--model-store-dir",
                                config.modelStoreDir().toAbsolutePath().toString()));
        long lastImages = imagesInTopic(config);
        while (true) {
            if (!once) {
                lastImages = waitForNext(config, everyImages, everyMinutes, lastImages);
            }
            Path dir = Path.of(out).resolve(Instant.now().toString().replace(':', '-'));
            System.err.println("retrain iteration into " + dir);
            RetrainLoop.Outcome outcome = loop.runOnce(options, dir);
            System.out.printf(
                    Locale.ROOT,
                    "retrained: teacher %s, student %s (k-NN %.2f%%, active %.2f%%): %s%n",
                    outcome.teacher().id(),
                    outcome.student().id(),
                    outcome.studentKnn(),
                    outcome.activeKnn(),
                    outcome.decision());
            if (once) {
                return 0;
            }
        }
    }

    /** Blocks until the schedule calls for an iteration; returns the images topic's size then. */
    private static long waitForNext(DinostreamConfig config, int everyImages, int everyMinutes, long lastImages)
            throws InterruptedException {
        if (everyMinutes > 0) {
            Thread.sleep(Duration.ofMinutes(everyMinutes).toMillis());
            return imagesInTopic(config);
        }
        while (true) {
            long now = imagesInTopic(config);
            if (now - lastImages >= everyImages) {
                return now;
            }
            Thread.sleep(30_000);
        }
    }

    /** Records ever written to the images topic (the sum of its partitions' end offsets). */
    static long imagesInTopic(DinostreamConfig config) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(KafkaClients.consumer(config, "dinostream-retrain", "dinostream-retrain"))) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.IMAGES, Duration.ofSeconds(30)).stream()
                    .map((PartitionInfo p) -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            return consumer.endOffsets(partitions, Duration.ofSeconds(30)).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }
}
