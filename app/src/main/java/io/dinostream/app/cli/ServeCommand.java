package io.dinostream.app.cli;

import io.dinostream.app.roles.Node;
import io.dinostream.app.roles.Role;
import io.dinostream.common.config.ConfigSources;
import io.dinostream.common.config.DinostreamConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** {@code dinostream serve}: runs the chosen roles against an external Kafka cluster. */
public final class ServeCommand implements Command {
    static final List<String> KEYS = List.of(
            DinostreamConfig.BOOTSTRAP_SERVERS,
            DinostreamConfig.DATA_DIR,
            DinostreamConfig.TOPIC_PARTITIONS,
            DinostreamConfig.TOPIC_REPLICATION_FACTOR,
            DinostreamConfig.IMAGE_MAX_BYTES,
            DinostreamConfig.API_HOST,
            DinostreamConfig.API_PORT,
            DinostreamConfig.API_WORKER_THREADS,
            DinostreamConfig.API_KEYS_FILE,
            DinostreamConfig.API_PUBLIC_READ,
            DinostreamConfig.API_RATE_LIMIT,
            DinostreamConfig.API_REQUEST_TIMEOUT_MS,
            DinostreamConfig.MODEL_PRESET,
            DinostreamConfig.MODEL_WEIGHTS,
            DinostreamConfig.MODEL_SEED,
            DinostreamConfig.MODEL_RESOLUTION,
            DinostreamConfig.MODEL_POOLING,
            DinostreamConfig.MODEL_THREADS,
            DinostreamConfig.EMBEDDER_BATCH_SIZE,
            DinostreamConfig.EMBEDDER_BATCH_LINGER_MS,
            DinostreamConfig.INDEX_COMMIT_INTERVAL_MS,
            DinostreamConfig.INDEX_ENGINE,
            DinostreamConfig.INDEX_FAISS_FACTORY,
            DinostreamConfig.INDEX_FAISS_TRAIN_SIZE,
            DinostreamConfig.INDEX_DEVICE,
            DinostreamConfig.INDEX_SNAPSHOT_EVERY,
            DinostreamConfig.INDEX_STANDBY_REPLICAS,
            DinostreamConfig.INDEX_ADVERTISED_ENDPOINT,
            DinostreamConfig.GROUP_SESSION_TIMEOUT_MS);

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String summary() {
        return "run roles (ingest,embedder,index,api) against a Kafka cluster";
    }

    @Override
    public String help() {
        return """
                usage: dinostream serve --roles ingest,embedder,index,api --bootstrap-servers HOST:PORT [options]

                Runs the given roles in this process until Ctrl-C, against the Kafka cluster named by
                --bootstrap-servers (start a local one with 'dinostream broker'). Topics are created if
                missing. Roles:
                  ingest    HTTP upload: PUT/DELETE /v1/images/{id} publish to Kafka (docs/api.md)
                  embedder  consumes images, produces embeddings (DINOv2 on DJL)
                  index     consumes images and embeddings into RocksDB and FAISS; with the default
                            engine (Kafka Streams) the instances share the partitions, one FAISS shard each
                  api       HTTP search and the web page; searches every index instance's shards from
                            its own (scatter-gather), so it needs the index role, and other instances
                            reach it at --index-advertised-endpoint (default api-host:api-port)
                ingest and api share one HTTP server on --api-host/--api-port.

                options:
                  --roles LIST                   comma-separated (default: all four)
                  --config FILE                  properties file read before the flags
                """
                + ConfigSources.help(DinostreamConfig.DEFINITION, KEYS);
    }

    @Override
    public int run(List<String> rawArgs) throws Exception {
        Args args = Args.parse(rawArgs, List.of("roles"), List.of(), Map.of());
        args.requireNoPositional();
        args.requireBootstrapServers();
        Set<Role> roles;
        try {
            roles = Role.parseList(args.option("roles", "ingest,embedder,index,api"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        CountDownLatch stop = new CountDownLatch(1);
        try (Node node = Node.start(args.config, roles)) {
            System.out.println("dinostream is serving roles " + roles + "; press Ctrl-C to stop.");
            node.apiPort()
                    .ifPresent(port -> System.out.println(
                            "HTTP: http://" + args.config.getString(DinostreamConfig.API_HOST) + ":" + port));
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "dinostream-serve-shutdown"));
            stop.await();
        }
        return 0;
    }
}
