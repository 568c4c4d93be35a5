package io.dinostream.app.cli;

import io.dinostream.app.retrain.CronSchedule;
import io.dinostream.app.retrain.RetrainLoop;
import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.KafkaClients;
import io.dinostream.common.wire.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
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
                usage: dinostream retrain --pool SPEC --out DIR
                                          (--once | --cron "MIN HOUR DOM MON DOW" | --every-images N | --every-minutes M)
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

                An iteration that did not finish (a failed step, a killed process) is resumed first, in
                its own directory: finished steps are not run again, training and distillation continue
                from their checkpoints. On a schedule a failed iteration is reported and resumed at the
                next trigger; with --once the command exits 1, and running it again resumes.

                options:
                  --pool SPEC            the images to curate: kafka:TOPIC, dir:PATH, fashion-mnist:train, ...
                  --out DIR              where iterations go (required)
                  --once                 one iteration (or the rest of an unfinished one), then exit
                  --cron "M H DOM MON DOW"  crontab(5) schedule in this machine's time zone, e.g. "0 3 * * *"
                                         (03:00 daily) or "*/30 * * * mon-fri"
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
                        "cron",
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
        String cronText = args.option("cron", null);
        CronSchedule cron;
        try {
            cron = cronText == null ? null : CronSchedule.parse(cronText);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--cron: " + e.getMessage());
        }
        if ((once ? 1 : 0) + (cron != null ? 1 : 0) + (everyImages > 0 ? 1 : 0) + (everyMinutes > 0 ? 1 : 0) != 1) {
            throw new UsageException(
                    "give exactly one of --once, --cron SCHEDULE, --every-images N, --every-minutes M");
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
        Optional<Path> unfinished = unfinishedIteration(Path.of(out));
        while (true) {
            if (unfinished.isEmpty() && !once) {
                lastImages = waitForNext(config, cron, everyImages, everyMinutes, lastImages);
            }
            Path dir = unfinished.orElse(
                    Path.of(out).resolve(Instant.now().toString().replace(':', '-')));
            System.err.println((unfinished.isPresent()
                            ? "resuming the unfinished retrain iteration in "
                            : "retrain iteration into ")
                    + dir);
            unfinished = Optional.empty();
            RetrainLoop.Outcome outcome;
            try {
                outcome = loop.runOnce(options, dir);
            } catch (java.io.IOException e) {
                if (once) {
                    throw e;
                }
                // A scheduled role keeps going: the next trigger resumes this iteration.
                System.err.println("retrain iteration failed; it resumes at the next trigger: " + e.getMessage());
                unfinished = Optional.of(dir);
                lastImages = waitForNext(config, cron, everyImages, everyMinutes, lastImages);
                continue;
            }
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

    /** The newest iteration directory under {@code out} that has no outcome yet, if any. */
    static Optional<Path> unfinishedIteration(Path out) throws java.io.IOException {
        if (!Files.isDirectory(out)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(out)) {
            return dirs.filter(Files::isDirectory)
                    .filter(d -> Files.isRegularFile(d.resolve("base.txt")))
                    .max(Comparator.comparing(Path::getFileName))
                    .filter(d -> !Files.isRegularFile(d.resolve(RetrainLoop.OUTCOME_FILE)));
        }
    }

    /** Blocks until the schedule calls for an iteration; returns the images topic's size then. */
    private static long waitForNext(
            DinostreamConfig config, CronSchedule cron, int everyImages, int everyMinutes, long lastImages)
            throws InterruptedException {
        if (cron != null) {
            ZonedDateTime now = ZonedDateTime.now();
            ZonedDateTime next = cron.next(now);
            System.err.println("retrain: next iteration at " + next + " (cron '" + cron + "')");
            Thread.sleep(Math.max(0, Duration.between(now, next).toMillis()));
            return imagesInTopic(config);
        }
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
