package io.dinostream.common.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process Kafka cluster of KRaft nodes, each a combined broker and controller, listening on
 * 127.0.0.1. One node serves the embedded default and the tests; three nodes (replication factor 3, min
 * ISR 2) let tests stop a broker while clients keep working. Restarting on the same directory keeps the
 * data: the storage is formatted only once.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String CLUSTER_ID_FILE = "cluster-id";

    private final List<KafkaConfig> configs;
    private final List<KafkaRaftServer> servers;
    private final String bootstrapServers;
    private boolean closed;

    private EmbeddedKafka(List<KafkaConfig> configs, List<KafkaRaftServer> servers, String bootstrapServers) {
        this.configs = configs;
        this.servers = servers;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts one node whose logs live under {@code dir}. */
    public static EmbeddedKafka start(Path dir) {
        return start(dir, 1);
    }

    /**
     * Starts {@code nodes} nodes whose logs live under {@code dir}. Ports are free ones chosen now; a
     * restart on the same directory picks new ports.
     */
    public static EmbeddedKafka start(Path dir, int nodes) {
        return start(dir, nodes, 0);
    }

    /**
     * Starts {@code nodes} nodes on fixed ports: node i (0-based) listens for clients on
     * {@code clientPort + i} and for its controller on {@code clientPort + 100 + i}, so a restart keeps the
     * same bootstrap servers. {@code clientPort} 0 means free ports chosen now.
     */
    public static EmbeddedKafka start(Path dir, int nodes, int clientPort) {
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes must be >= 1, got " + nodes);
        }
        if (clientPort < 0 || clientPort + 100 + nodes > 65535) {
            throw new IllegalArgumentException("client port must be 0 (free ports) or leave room for " + nodes
                    + " client and controller ports below 65536, got " + clientPort);
        }
        // Free ports are free when chosen, not when bound: another process can take one in between. Then
        // the nodes that did start are stopped again and the start is retried on other free ports.
        int attempts = clientPort == 0 ? 3 : 1;
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(dir, nodes, clientPort);
            } catch (RuntimeException e) {
                if (attempt >= attempts) {
                    throw e;
                }
                LOG.warn("the embedded Kafka broker did not start ({}); retrying on other ports", e.toString());
            }
        }
    }

    private static EmbeddedKafka startOnce(Path dir, int nodes, int clientPort) {
        try {
            Files.createDirectories(dir);
            String clusterId = clusterId(dir);
            int[] brokerPorts = new int[nodes];
            int[] controllerPorts = new int[nodes];
            int[] free = clientPort == 0 ? freePorts(2 * nodes) : null;
            for (int i = 0; i < nodes; i++) {
                brokerPorts[i] = clientPort == 0 ? free[2 * i] : clientPort + i;
                controllerPorts[i] = clientPort == 0 ? free[2 * i + 1] : clientPort + 100 + i;
            }
            StringBuilder voters = new StringBuilder();
            for (int i = 0; i < nodes; i++) {
                voters.append(i == 0 ? "" : ",")
                        .append(i + 1)
                        .append("@127.0.0.1:")
                        .append(controllerPorts[i]);
            }
            List<KafkaConfig> configs = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                Path logDir = dir.resolve("node-" + (i + 1));
                KafkaConfig config = KafkaConfig.fromProps(
                        nodeProperties(i + 1, nodes, brokerPorts[i], controllerPorts[i], voters.toString(), logDir),
                        false);
                formatIfNeeded(config, clusterId, logDir);
                configs.add(config);
            }
            List<KafkaRaftServer> servers = startAll(configs);
            String bootstrap = java.util.Arrays.stream(brokerPorts)
                    .mapToObj(p -> "127.0.0.1:" + p)
                    .collect(Collectors.joining(","));
            return new EmbeddedKafka(configs, servers, bootstrap);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded Kafka broker in " + dir, e);
        }
    }

    /** Comma-separated host:port list of every node's client listener. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    public int nodeCount() {
        return servers.size();
    }

    /** Stops node {@code index} (0-based) and waits until it is down. */
    public synchronized void stopNode(int index) {
        KafkaRaftServer server = servers.get(index);
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            servers.set(index, null);
        }
    }

    /** Restarts a stopped node on its directory and ports. */
    public synchronized void restartNode(int index) {
        if (servers.get(index) == null) {
            KafkaRaftServer server = new KafkaRaftServer(configs.get(index), Time.SYSTEM);
            server.startup();
            servers.set(index, server);
        }
    }

    /**
     * Stops every node, all at once: each broker's controlled shutdown needs a controller quorum, which
     * one-by-one stops would take away from the last node (it then retries for minutes). Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<CompletableFuture<Void>> stopped = new ArrayList<>();
        for (KafkaRaftServer server : servers) {
            if (server != null) {
                stopped.add(CompletableFuture.runAsync(() -> {
                    server.shutdown();
                    server.awaitShutdown();
                }));
            }
        }
        CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new)).join();
    }

    private static List<KafkaRaftServer> startAll(List<KafkaConfig> configs) {
        List<KafkaRaftServer> servers = new ArrayList<>();
        for (KafkaConfig config : configs) {
            servers.add(new KafkaRaftServer(config, Time.SYSTEM));
        }
        // A combined node's startup() waits for a quorum: start them in parallel.
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (KafkaRaftServer server : servers) {
            started.add(CompletableFuture.runAsync(server::startup));
        }
        try {
            CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            // Nodes left running would outlive their log directories (a test's temporary folder) and
            // halt the JVM when Kafka finds them gone: stop every node before giving up.
            for (KafkaRaftServer server : servers) {
                try {
                    server.shutdown();
                    server.awaitShutdown();
                } catch (RuntimeException stopFailure) {
                    e.addSuppressed(stopFailure);
                }
            }
            throw e;
        }
        return servers;
    }

    private static Properties nodeProperties(
            int nodeId, int nodes, int brokerPort, int controllerPort, String voters, Path logDir) {
        String replication = Integer.toString(nodes >= 3 ? 3 : 1);
        String minIsr = Integer.toString(nodes >= 3 ? 2 : 1);
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(nodeId));
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.quorum.voters", voters);
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        p.put("default.replication.factor", replication);
        p.put("min.insync.replicas", minIsr);
        p.put("offsets.topic.replication.factor", replication);
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", replication);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", replication);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.min.session.timeout.ms", "1000");
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        // Images are large records: let the broker accept the largest image plus headers.
        p.put("message.max.bytes", Integer.toString(KafkaClients.MAX_RECORD_BYTES_CEILING));
        p.put("replica.fetch.max.bytes", Integer.toString(KafkaClients.MAX_RECORD_BYTES_CEILING));
        // The 128 MB default is allocated up front per node.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
        p.put("auto.create.topics.enable", "false");
        return p;
    }

    private static void formatIfNeeded(KafkaConfig config, String clusterId, Path logDir) throws IOException {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        Files.createDirectories(logDir);
        try {
            new org.apache.kafka.metadata.storage.Formatter()
                    .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                    .setClusterId(clusterId)
                    .setNodeId(config.nodeId())
                    .setDirectories(List.of(logDir.toAbsolutePath().toString()))
                    .setMetadataLogDirectory(logDir.toAbsolutePath().toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        } catch (Exception e) {
            throw new IOException("cannot format Kafka storage in " + logDir + ": " + e.getMessage(), e);
        }
    }

    private static String clusterId(Path dir) throws IOException {
        Path file = dir.resolve(CLUSTER_ID_FILE);
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        String id = Uuid.randomUuid().toString();
        Files.writeString(file, id);
        return id;
    }

    /** {@code count} distinct free loopback ports: every socket is held until all are chosen. */
    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(socket);
                socket.setReuseAddress(true);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
    }
}
