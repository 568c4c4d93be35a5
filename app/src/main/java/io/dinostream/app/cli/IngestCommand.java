package io.dinostream.app.cli;

import static io.dinostream.common.config.DinostreamConfig.BOOTSTRAP_SERVERS;
import static io.dinostream.common.config.DinostreamConfig.IMAGE_MAX_BYTES;

import io.dinostream.common.config.ConfigSources;
import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.KafkaSetup;
import io.dinostream.ingest.ImageCandidate;
import io.dinostream.ingest.ImagePublisher;
import io.dinostream.ingest.ImageSources;
import io.dinostream.ingest.Ingestor;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** {@code dinostream ingest}: publishes a file, a directory or Fashion-MNIST to the images topic. */
public final class IngestCommand implements Command {
    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public String summary() {
        return "publish images (file, directory, fashion-mnist:train|test) to Kafka";
    }

    @Override
    public String help() {
        return """
                usage: dinostream ingest <file|dir|fashion-mnist:train|fashion-mnist:test> [--limit N] --bootstrap-servers HOST:PORT

                Publishes images to dinostream.images.v1 with an idempotent producer. A directory is searched
                recursively for .png .jpg .jpeg .gif .bmp; ids are the paths relative to it. Fashion-MNIST comes
                from Debian's dataset-fashion-mnist package, as PNGs with the label in the metadata. Files of
                the wrong type or over the size limit are reported and not published. Exit code 0 when every
                image was published, 3 when some were rejected.

                options:
                  --limit N                      publish at most N images (default: all)
                """
                + ConfigSources.help(
                        DinostreamConfig.DEFINITION,
                        List.of(BOOTSTRAP_SERVERS, IMAGE_MAX_BYTES, DinostreamConfig.TOPIC_PARTITIONS));
    }

    @Override
    public int run(List<String> rawArgs) throws Exception {
        Args args = Args.parse(rawArgs, List.of("limit"), List.of(), Map.of());
        String spec = args.onePositional("source");
        int limit = args.intOption("limit", Integer.MAX_VALUE, 0, Integer.MAX_VALUE);
        args.requireBootstrapServers();
        DinostreamConfig config = args.config;
        List<ImageCandidate> candidates = ImageSources.resolve(spec, limit);
        KafkaSetup.createTopics(config);
        Ingestor.Report report;
        try (ImagePublisher publisher = new ImagePublisher(config, Clock.systemUTC())) {
            ProgressBar bar = new ProgressBar(System.err, "ingest", candidates.size());
            report = new Ingestor(publisher, config.imageMaxBytes()).ingest(candidates, bar::update);
            bar.finish();
        }
        return printReport(report);
    }

    static int printReport(Ingestor.Report report) {
        System.out.printf(
                "published %d image(s), rejected %d%n",
                report.published(), report.rejections().size());
        for (String rejection : report.rejections()) {
            System.out.println("  rejected: " + rejection);
        }
        return report.rejections().isEmpty() ? 0 : 3;
    }
}
