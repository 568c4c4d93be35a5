package io.dinostream.common.config;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

/**
 * Every setting of every role, declared once. Construction validates; a bad value fails start-up with a
 * message naming the key and the value.
 */
public final class DinostreamConfig extends AbstractConfig {
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String DATA_DIR = "data.dir";
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    public static final String TOPIC_REPLICATION_FACTOR = "topic.replication.factor";
    public static final String IMAGE_MAX_BYTES = "image.max.bytes";

    public static final String API_HOST = "api.host";
    public static final String API_PORT = "api.port";
    public static final String API_WORKER_THREADS = "api.worker.threads";
    public static final String API_KEYS_FILE = "api.keys.file";
    public static final String API_PUBLIC_READ = "api.public.read";
    public static final String API_RATE_LIMIT = "api.rate.limit";
    public static final String API_REQUEST_TIMEOUT_MS = "api.request.timeout.ms";

    public static final String MODEL_PRESET = "model.preset";
    public static final String MODEL_WEIGHTS = "model.weights";
    public static final String MODEL_SEED = "model.seed";
    public static final String MODEL_RESOLUTION = "model.resolution";
    public static final String MODEL_POOLING = "model.pooling";
    public static final String MODEL_THREADS = "model.threads";
    public static final String MODEL_BACKEND = "model.backend";
    public static final String MODEL_STORE_DIR = "model.store.dir";
    public static final String MODEL_SWAP_KEEP_MS = "model.swap.keep.ms";
    public static final String MODEL_SWAP_CHECK_MS = "model.swap.check.ms";
    public static final String MODEL_SWAP_GATE_PROBE = "model.swap.gate.probe";
    public static final String MODEL_SWAP_GATE_SIZE = "model.swap.gate.size";
    public static final String MODEL_SWAP_GATE_TOLERANCE = "model.swap.gate.tolerance";

    public static final String EMBEDDER_BATCH_SIZE = "embedder.batch.size";
    public static final String EMBEDDER_BATCH_LINGER_MS = "embedder.batch.linger.ms";

    public static final String INDEX_COMMIT_INTERVAL_MS = "index.commit.interval.ms";
    public static final String INDEX_FAISS_FACTORY = "index.faiss.factory";
    public static final String INDEX_FAISS_TRAIN_SIZE = "index.faiss.train.size";
    public static final String INDEX_SNAPSHOT_EVERY = "index.snapshot.every";
    public static final String INDEX_DEVICE = "index.device";
    public static final String INDEX_ENGINE = "index.engine";
    public static final String GROUP_SESSION_TIMEOUT_MS = "group.session.timeout.ms";
    public static final String INDEX_STANDBY_REPLICAS = "index.standby.replicas";
    public static final String INDEX_ADVERTISED_ENDPOINT = "index.advertised.endpoint";

    public static final int DEFAULT_IMAGE_MAX_BYTES = 10 * 1024 * 1024;

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(
                    BOOTSTRAP_SERVERS,
                    Type.STRING,
                    "",
                    Importance.HIGH,
                    "Kafka bootstrap servers (host:port,...). Empty in 'demo' means an in-process broker.")
            .define(
                    DATA_DIR,
                    Type.STRING,
                    "data",
                    Importance.HIGH,
                    "Directory for local state: RocksDB stores, the embedded broker's log, model cache.")
            .define(
                    TOPIC_PARTITIONS,
                    Type.INT,
                    2,
                    Range.between(1, 10_000),
                    Importance.MEDIUM,
                    "Partitions of the images and embeddings topics when dinostream creates them: the unit of "
                            + "parallelism and of index sharding.")
            .define(
                    TOPIC_REPLICATION_FACTOR,
                    Type.SHORT,
                    (short) 1,
                    Range.between(1, 32),
                    Importance.MEDIUM,
                    "Replication factor of topics dinostream creates.")
            .define(
                    IMAGE_MAX_BYTES,
                    Type.INT,
                    DEFAULT_IMAGE_MAX_BYTES,
                    Range.between(1024, 256 * 1024 * 1024),
                    Importance.MEDIUM,
                    "Largest accepted encoded image. Producers, consumers and topics are sized for it.")
            .define(API_HOST, Type.STRING, "127.0.0.1", Importance.MEDIUM, "Address the HTTP API binds to.")
            .define(
                    API_PORT,
                    Type.INT,
                    8080,
                    Range.between(0, 65535),
                    Importance.MEDIUM,
                    "Port of the HTTP API and web page (0 picks a free port).")
            .define(
                    API_WORKER_THREADS,
                    Type.INT,
                    4,
                    Range.between(1, 256),
                    Importance.LOW,
                    "Threads of the named worker pool that runs model and index calls for the API.")
            .define(
                    API_KEYS_FILE,
                    Type.STRING,
                    "",
                    Importance.HIGH,
                    "File of API keys, one 'name:role:secret' per line (roles read, write, admin; docs/api.md). "
                            + "Keys also come from the environment variable DINOSTREAM_API_KEYS. With neither, the "
                            + "server generates an admin key at start and prints it once.")
            .define(
                    API_PUBLIC_READ,
                    Type.BOOLEAN,
                    false,
                    Importance.MEDIUM,
                    "Let search and image look-ups through without a key (writes and admin routes still need "
                            + "one).")
            .define(
                    API_RATE_LIMIT,
                    Type.DOUBLE,
                    200.0,
                    Range.atLeast(0),
                    Importance.MEDIUM,
                    "Requests per second per API key (anonymous callers: per address), with bursts of twice "
                            + "that; over it the API answers 429. 0 turns the limit off.")
            .define(
                    API_REQUEST_TIMEOUT_MS,
                    Type.INT,
                    30_000,
                    Range.between(100, 600_000),
                    Importance.LOW,
                    "Longest time a request may take before the API answers 503 request_timeout.")
            .define(
                    MODEL_PRESET,
                    Type.STRING,
                    "fmnist-vit-tiny",
                    Importance.HIGH,
                    "Model used when no weights file is given: fmnist-vit-tiny (the default) is a ViT trained "
                            + "on Fashion-MNIST by dinostream train, bundled; the other presets (vits14, vitb14, "
                            + "vit-tiny-demo, ...) get seeded random weights.")
            .define(
                    MODEL_WEIGHTS,
                    Type.STRING,
                    "",
                    Importance.HIGH,
                    "Path of a safetensors weights file (official or Hugging Face DINOv2 names). Empty: "
                            + "the preset with seeded random weights.")
            .define(
                    MODEL_SEED,
                    Type.LONG,
                    42L,
                    Importance.LOW,
                    "Seed of the random weights used when no weights file is given.")
            .define(
                    MODEL_RESOLUTION,
                    Type.INT,
                    0,
                    Range.between(0, 4_032),
                    Importance.MEDIUM,
                    "Side of the centre crop fed to the model; a multiple of 14. The shorter side is first "
                            + "resized to resolution*256/224, as DINOv2's evaluation transform does. 0: the side "
                            + "the model was trained for when its file records it (whole image, no crop; 28 "
                            + "for fmnist-vit-tiny), else 224.")
            .define(
                    MODEL_POOLING,
                    Type.STRING,
                    "cls",
                    ValidString.in("cls", "cls+mean-patch", "mean-patch"),
                    Importance.MEDIUM,
                    "Embedding kind: the CLS token, CLS concatenated with the mean patch token, or the mean "
                            + "patch token. Always L2-normalised.")
            .define(
                    MODEL_THREADS,
                    Type.INT,
                    0,
                    Range.between(0, 1024),
                    Importance.LOW,
                    "Intra-op threads of the model engine; 0 means the number of cores.")
            .define(
                    MODEL_BACKEND,
                    Type.STRING,
                    "onnxruntime",
                    ValidString.in("onnxruntime", "djl"),
                    Importance.MEDIUM,
                    "Inference engine of the embedder: 'onnxruntime' runs the model exported to ONNX (same "
                            + "outputs, 2-3x faster on CPU), 'djl' runs it on libtorch through DJL.")
            .define(
                    MODEL_STORE_DIR,
                    Type.STRING,
                    "",
                    Importance.MEDIUM,
                    "Where registered model weights are stored, by content (sha256/<digest>.safetensors); "
                            + "empty: <data.dir>/models. Every role that loads a registered version reads it here, "
                            + "so processes on several machines need the same store (a shared volume).")
            .define(
                    MODEL_SWAP_GATE_PROBE,
                    Type.STRING,
                    "",
                    Importance.LOW,
                    "The labelled probe set of the swap's quality gate (fashion-mnist:test or fashion-mnist:train); "
                            + "empty: no gate, a swap flips once its backfill has caught up.")
            .define(
                    MODEL_SWAP_GATE_SIZE,
                    Type.INT,
                    1_000,
                    Range.between(20, 100_000),
                    Importance.LOW,
                    "Probe images the quality gate embeds with each model.")
            .define(
                    MODEL_SWAP_GATE_TOLERANCE,
                    Type.DOUBLE,
                    0.0,
                    Range.between(0, 1),
                    Importance.LOW,
                    "How much lower the new model's precision@10 on the probe set may be than the serving model's.")
            .define(
                    MODEL_SWAP_CHECK_MS,
                    Type.INT,
                    2_000,
                    Range.atLeast(50),
                    Importance.LOW,
                    "How often a process running the embedder, index or api role reads the model registry to "
                            + "follow a swap or a rollback (the elected writer also reports a backfill's progress).")
            .define(
                    MODEL_SWAP_KEEP_MS,
                    Type.LONG,
                    3_600_000L,
                    Range.atLeast(0),
                    Importance.LOW,
                    "How long a model version's index keeps running after a swap flipped away from it, so that a "
                            + "rollback flips back at once.")
            .define(
                    EMBEDDER_BATCH_SIZE,
                    Type.INT,
                    16,
                    Range.between(1, 4096),
                    Importance.MEDIUM,
                    "Largest micro-batch the embedder runs through the model at once.")
            .define(
                    EMBEDDER_BATCH_LINGER_MS,
                    Type.INT,
                    20,
                    Range.between(0, 60_000),
                    Importance.LOW,
                    "How long the embedder waits to fill a micro-batch before running a smaller one.")
            .define(
                    INDEX_COMMIT_INTERVAL_MS,
                    Type.INT,
                    200,
                    Range.between(0, 60_000),
                    Importance.LOW,
                    "Longest time the index buffers applied records before writing them to RocksDB and "
                            + "committing their Kafka offsets.")
            .define(
                    INDEX_FAISS_FACTORY,
                    Type.STRING,
                    "Flat",
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "The FAISS index, as a factory string: Flat (exact), HNSW32, IVF1024,Flat, IVF1024,PQ48, "
                            + "IVF1024,SQ8, OPQ48,IVF1024,PQ48, ... (docs/index.md). Inner product.")
            .define(
                    INDEX_DEVICE,
                    Type.STRING,
                    "auto",
                    ValidString.in("auto", "cpu", "gpu"),
                    Importance.MEDIUM,
                    "Where the index's k-NN searches run: auto (a GPU when the GPU build of the FAISS binding "
                            + "finds one, else the CPU), cpu, or gpu (fails at start without one). Writes, "
                            + "range search and snapshots stay on the CPU (docs/index.md, GPU).")
            .define(
                    INDEX_FAISS_TRAIN_SIZE,
                    Type.INT,
                    10_000,
                    Range.atLeast(1),
                    Importance.LOW,
                    "Vectors stored before an index that needs training (IVF, PQ) is trained; an exact index "
                            + "serves until then.")
            .define(
                    INDEX_SNAPSHOT_EVERY,
                    Type.INT,
                    100_000,
                    Range.atLeast(0),
                    Importance.LOW,
                    "Vector changes (adds, replacements, deletes) between two snapshots of the FAISS index "
                            + "in RocksDB; a restart loads the newest snapshot and replays only later changes. "
                            + "0 takes none (a restart rebuilds FAISS from the stored vectors). A clean "
                            + "shutdown always takes one when anything changed.")
            .define(
                    INDEX_ENGINE,
                    Type.STRING,
                    "streams",
                    ConfigDef.ValidString.in("streams", "worker"),
                    Importance.MEDIUM,
                    "How the index role runs: 'streams' is a Kafka Streams application, exactly-once, one FAISS "
                            + "shard per partition, several instances share the partitions (docs/deployment.md); "
                            + "'worker' is one instance owning every partition, with FAISS snapshots in its "
                            + "RocksDB store (docs/index.md).")
            .define(
                    GROUP_SESSION_TIMEOUT_MS,
                    Type.INT,
                    45_000,
                    Range.between(1_000, 300_000),
                    Importance.LOW,
                    "How long an instance that stopped answering (crashed, frozen, cut off) keeps its "
                            + "partitions before the other embedder or index instances take them over: the Kafka "
                            + "consumer session timeout. Lower means faster failover and more false alarms.")
            .define(
                    INDEX_STANDBY_REPLICAS,
                    Type.INT,
                    0,
                    Range.atLeast(0),
                    Importance.LOW,
                    "Standby copies of each index shard's stores on other instances (Kafka Streams "
                            + "num.standby.replicas): a lost instance's shards fail over without a restore.")
            .define(
                    INDEX_ADVERTISED_ENDPOINT,
                    Type.STRING,
                    "",
                    Importance.MEDIUM,
                    "host:port at which other instances reach this instance's API for scatter-gather "
                            + "searches (Kafka Streams application.server). Empty: api.host:api.port when the "
                            + "port is fixed; needed when several instances run the index role.");

    public DinostreamConfig(Map<?, ?> values) {
        super(DEFINITION, values, false);
    }

    public String bootstrapServers() {
        return getString(BOOTSTRAP_SERVERS);
    }

    public Path dataDir() {
        return Path.of(getString(DATA_DIR));
    }

    /** {@link #MODEL_STORE_DIR}, or {@code <data.dir>/models} when unset. */
    public Path modelStoreDir() {
        String dir = getString(MODEL_STORE_DIR);
        return dir.isBlank() ? dataDir().resolve("models") : Path.of(dir);
    }

    public int imageMaxBytes() {
        return getInt(IMAGE_MAX_BYTES);
    }

    public int topicPartitions() {
        return getInt(TOPIC_PARTITIONS);
    }

    public short topicReplicationFactor() {
        return getShort(TOPIC_REPLICATION_FACTOR);
    }
}
