package io.dinostream.app.cli;

import io.dinostream.common.config.ConfigSources;
import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.common.kafka.EmbeddedKafka;
import io.dinostream.common.kafka.KafkaSetup;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** {@code dinostream broker}: an in-process Kafka cluster for local multi-process runs. */
public final class BrokerCommand implements Command {
    @Override
    public String name() {
        return "broker";
    }

    /** Kafka's customary port, so that {@code --bootstrap-servers 127.0.0.1:9092} works by default. */
    static final int DEFAULT_PORT = 9092;

    @Override
    public String summary() {
        return "run an in-process KRaft Kafka broker (or --nodes 3) for local multi-process runs";
    }

    @Override
    public String help() {
        return """
                usage: dinostream broker [--nodes 1|3] [--port 9092] [--data-dir DIR]

                Starts in-process KRaft Kafka nodes (each a combined broker and controller) on 127.0.0.1,
                creates dinostream's topics, prints the bootstrap servers and runs until Ctrl-C. Other
                processes join with --bootstrap-servers. With 3 nodes topics get replication factor 3 and
                min.insync.replicas 2. The logs live under DATA_DIR/kafka and survive restarts.

                options:
                  --nodes N                      number of nodes (default 1)
                  --port P                       client port of the first node (default 9092); node i
                                                 listens on P+i, its controller on P+100+i; 0 picks free ports
                """
                + ConfigSources.help(
                        DinostreamConfig.DEFINITION,
                        List.of(DinostreamConfig.DATA_DIR, DinostreamConfig.TOPIC_PARTITIONS));
    }

    @Override
    public int run(List<String> rawArgs) throws Exception {
        Args args = Args.parse(rawArgs, List.of("nodes", "port"), List.of(), Map.of());
        args.requireNoPositional();
        int nodes = args.intOption("nodes", 1, 1, 9);
        int port = args.intOption("port", DEFAULT_PORT, 0, 65_000);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(args.config.dataDir().resolve("kafka"), nodes, port)) {
            Map<String, Object> values = new HashMap<>(args.config.originals());
            values.put(DinostreamConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            values.put(DinostreamConfig.TOPIC_REPLICATION_FACTOR, nodes >= 3 ? "3" : "1");
            KafkaSetup.createTopics(new DinostreamConfig(values));
            System.out.println("Kafka is up: --bootstrap-servers " + kafka.bootstrapServers());
            System.out.println("Press Ctrl-C to stop.");
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                kafka.close();
                                stopped.countDown();
                            },
                            "dinostream-broker-shutdown"));
            stopped.await();
        }
        return 0;
    }
}
