package io.dinostream.embedder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.dinostream.common.registry.WeightStore;
import io.dinostream.common.wire.EmbeddingSpec;
import io.dinostream.embedder.model.DinoV2Weights.Naming;
import io.dinostream.embedder.model.SafeTensors.DType;
import io.dinostream.embedder.model.SafeTensors.FloatTensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One DINOv2 model on the DJL PyTorch engine: what the embedder, the trainer and the CLI call.
 *
 * <pre>{@code
 * try (DinoV2Model model = DinoV2Model.load(Path.of("dinov2_vits14.safetensors"))) {
 *     float[][] vectors = model.embed(pixels, batch, 224, 224, Pooling.CLS);
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> Instances are thread-safe: every engine call ({@link #embed}, {@link
 * #withEngine}, {@link #save}) holds one lock, so calls from several threads run one after the
 * other, each using the engine's intra-op threads. Size those with the system property {@code
 * ai.djl.pytorch.num_threads} (read by DJL when the engine loads; DJL's default otherwise) and run
 * one model per core group if you need parallel batches. Never call from a Vert.x event loop.
 *
 * <p><b>Native memory.</b> The weights live in this object's {@link NDManager}; {@link #close()}
 * frees them (idempotent; later calls fail with {@link IllegalStateException}). Each call runs in its
 * own sub-manager and {@link NDScope}, so nothing accumulates between calls.
 *
 * <p><b>Offline.</b> Loading this class sets the system properties {@code ai.djl.offline=true} and
 * {@code OPT_OUT_TRACKING=true} unless they are already set: the PyTorch natives come from Maven and
 * DJL must not try the network.
 */
public final class DinoV2Model implements VisionBackbone {
    static {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getProperty("OPT_OUT_TRACKING") == null && System.getenv("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
    }

    /** The DJL engine used. */
    public static final String ENGINE = "PyTorch";

    private final NDManager manager;
    private final DinoVisionTransformer vit;
    private final String modelId;
    private final String version;
    private final String source;
    private final Naming naming;
    private final DType dtype;
    private final Map<String, String> metadata;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    private DinoV2Model(
            DinoV2Config config,
            Map<String, FloatTensor> tensors,
            String modelId,
            String version,
            String source,
            Naming naming,
            DType dtype,
            Map<String, String> metadata) {
        this.metadata = Map.copyOf(metadata);
        this.modelId = modelId;
        this.version = version;
        this.source = source;
        this.naming = naming;
        this.dtype = dtype;
        this.vit = new DinoVisionTransformer(config);
        this.manager = NDManager.newBaseManager(ENGINE);
        try {
            vit.loadStateDict(manager, tensors);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Loads a safetensors file (official or Hugging Face names, F32/F16/BF16), architecture inferred. */
    public static DinoV2Model load(Path safetensors) throws IOException {
        return load(safetensors, LoadOptions.defaults());
    }

    /**
     * Loads a safetensors file with options (a preset to enforce, heads, interpolation).
     *
     * @throws WeightsException naming the missing, unexpected or mis-shaped tensors
     */
    public static DinoV2Model load(Path safetensors, LoadOptions options) throws IOException {
        DinoV2Weights.Loaded loaded = DinoV2Weights.read(safetensors, options);
        String stem = safetensors.getFileName().toString();
        if (stem.toLowerCase(Locale.ROOT).endsWith(".safetensors")) {
            stem = stem.substring(0, stem.length() - ".safetensors".length());
        }
        return new DinoV2Model(
                loaded.config(),
                loaded.tensors(),
                stem,
                sha256Prefix(safetensors),
                safetensors.toString(),
                loaded.naming(),
                loaded.dtype(),
                loaded.metadata());
    }

    /** Where the weights of presets trained by dinostream ship, inside the embedder's jar. */
    static String bundledResource(String preset) {
        return "/io/dinostream/embedder/models/" + preset + ".safetensors";
    }

    /**
     * A preset's model: its bundled trained weights when dinostream ships them ({@link
     * DinoV2Config#FMNIST_PRESET}), otherwise seeded random weights as {@link #random(String, long)}.
     */
    public static DinoV2Model forPreset(String preset, long seed) throws IOException {
        String name = DinoV2Config.preset(preset).name();
        try (InputStream in = DinoV2Model.class.getResourceAsStream(bundledResource(name))) {
            if (in == null) {
                return random(preset, seed);
            }
            Path tmp = Files.createTempFile("dinostream-" + name, ".safetensors");
            try {
                Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                DinoV2Weights.Loaded loaded = DinoV2Weights.read(tmp, LoadOptions.defaults());
                return new DinoV2Model(
                        loaded.config().withName(name),
                        loaded.tensors(),
                        name,
                        sha256Prefix(tmp),
                        "bundled " + bundledResource(name),
                        loaded.naming(),
                        loaded.dtype(),
                        loaded.metadata());
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * The input side the model was trained for, from its file's {@link DinoV2Weights#META_RESOLUTION}
     * metadata; empty for models without it (the released DINOv2 models: use DINOv2's 224).
     */
    public java.util.OptionalInt trainedResolution() {
        String value = metadata.get(DinoV2Weights.META_RESOLUTION);
        return value == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(Integer.parseInt(value));
    }

    /**
     * A preset with seeded random weights ({@link WeightInit.Scheme#RANDOM_FEATURES}): the same seed
     * gives the same weights on every run. Version {@code random-<seed>}.
     */
    public static DinoV2Model random(String preset, long seed) {
        return random(DinoV2Config.preset(preset), seed, WeightInit.Scheme.RANDOM_FEATURES);
    }

    /** Given weights under official names (e.g. a trainer's initial backbone), held in memory. */
    public static DinoV2Model of(DinoV2Config config, Map<String, FloatTensor> tensors, String version, String source) {
        return new DinoV2Model(config, tensors, config.name(), version, source, Naming.OFFICIAL, DType.F32, Map.of());
    }

    /** Any architecture with seeded random weights of the given scheme. */
    public static DinoV2Model random(DinoV2Config config, long seed, WeightInit.Scheme scheme) {
        return new DinoV2Model(
                config,
                WeightInit.random(config, seed, scheme),
                config.name(),
                "random-" + seed,
                "random weights (" + scheme.name().toLowerCase(Locale.ROOT) + ", seed " + seed + ")",
                Naming.OFFICIAL,
                DType.F32,
                Map.of());
    }

    /**
     * Embeds a batch of preprocessed images.
     *
     * @param pixelsNCHW {@code batch * 3 * height * width} float32 values, NCHW, already normalised
     * @param height image height; a positive multiple of the patch size (14)
     * @param width image width; a positive multiple of the patch size (14)
     * @return {@code batch} L2-normalised vectors of {@link #outputDim(Pooling)} values
     * @throws IllegalArgumentException for a wrong array length or image size
     */
    @Override
    public float[][] embed(float[] pixelsNCHW, int batch, int height, int width, Pooling pooling) {
        DinoV2Config c = vit.config();
        if (batch <= 0) {
            throw new IllegalArgumentException("batch must be positive, got " + batch);
        }
        long expected = (long) batch * c.inChans() * height * width;
        if (height <= 0 || width <= 0 || pixelsNCHW.length != expected) {
            throw new IllegalArgumentException("expected " + batch + "x" + c.inChans() + "x" + height + "x" + width
                    + " = " + expected + " values, got " + pixelsNCHW.length);
        }
        float[] flat = withEngine((mgr, ps, model) -> {
            NDArray x = mgr.create(pixelsNCHW, new Shape(batch, c.inChans(), height, width));
            FeatureOutputs f = model.forwardFeatures(ps, x, null, false);
            NDArray pooled =
                    switch (pooling) {
                        case CLS -> f.clsToken();
                        case MEAN_PATCH -> f.patchTokens().mean(new int[] {1});
                        case CLS_MEAN_PATCH -> NDArrays.concat(
                                new NDList(f.clsToken(), f.patchTokens().mean(new int[] {1})), 1);
                    };
            return pooled.toFloatArray();
        });
        int dim = outputDim(pooling);
        float[][] out = new float[batch][];
        for (int b = 0; b < batch; b++) {
            float[] v = new float[dim];
            System.arraycopy(flat, b * dim, v, 0, dim);
            l2Normalise(v);
            out[b] = v;
        }
        return out;
    }

    /** Normalises in place like {@code F.normalize} (divides by {@code max(||v||, 1e-12)}). */
    public static void l2Normalise(float[] v) {
        double sum = 0;
        for (float f : v) {
            sum += (double) f * f;
        }
        double norm = Math.max(Math.sqrt(sum), 1e-12);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] / norm);
        }
    }

    /** Work done with the engine: runs under the model lock in a fresh sub-manager and NDScope. */
    @FunctionalInterface
    public interface EngineTask<R> {
        /**
         * @param manager a sub-manager closed when the task returns: results must be copied to Java
         * @param parameterStore an inference parameter store
         * @param model the network
         */
        R run(NDManager manager, ParameterStore parameterStore, DinoVisionTransformer model);
    }

    /**
     * Runs {@code task} with exclusive use of the engine. Every array created inside is closed when it
     * returns, so the result must not hold NDArrays.
     */
    public <R> R withEngine(EngineTask<R> task) {
        lock.lock();
        try {
            ensureOpen();
            try (NDManager sub = manager.newSubManager();
                    NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                return task.run(sub, new ParameterStore(sub, false), vit);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The network itself, for training (a DJL block whose parameters a {@code GradientCollector}
     * trains). Its arrays belong to this model: use them only while it is open, and do not use them
     * concurrently with {@link #embed}.
     */
    public DinoVisionTransformer block() {
        return vit;
    }

    public DinoV2Config config() {
        return vit.config();
    }

    /** Token width {@code D}. */
    public int embedDim() {
        return vit.config().embedDim();
    }

    /** Length of the vectors {@link #embed} returns for {@code pooling}. */
    @Override
    public int outputDim(Pooling pooling) {
        return pooling.outputDim(embedDim());
    }

    /** Preset name for random models, file name without {@code .safetensors} for loaded ones. */
    @Override
    public String modelId() {
        return modelId;
    }

    /** First 12 hex digits of the weights file's SHA-256, or {@code random-<seed>}. */
    @Override
    public String version() {
        return version;
    }

    /** The embedding spec of this model's vectors (always L2-normalised). */
    public EmbeddingSpec spec(Pooling pooling) {
        return new EmbeddingSpec(modelId, version, outputDim(pooling), pooling.wireName(), "l2");
    }

    /** A human summary: id, version, source, architecture and parameter count. */
    public String describe() {
        return "model " + modelId + " version " + version + "\n  source: " + source + " (" + naming.label() + " names, "
                + dtype + ")\n  architecture: " + vit.config().summary();
    }

    /** Saves the weights in the naming and float type they were loaded with (official F32 for random models). */
    public void save(Path path) throws IOException {
        save(path, naming, dtype);
    }

    /** Saves the weights as safetensors in the given naming and float type (F32, F16 or BF16). */
    public void save(Path path, Naming asNaming, DType asDtype) throws IOException {
        Map<String, FloatTensor> state;
        lock.lock();
        try {
            ensureOpen();
            state = vit.stateDict();
        } finally {
            lock.unlock();
        }
        DinoV2Weights.write(path, vit.config(), state, asNaming, asDtype);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("model " + modelId + " is closed");
        }
    }

    /** Frees the weights. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                manager.close();
            }
        } finally {
            lock.unlock();
        }
    }

    private static String sha256Prefix(Path file) throws IOException {
        return WeightStore.sha256(file).substring(0, 12);
    }
}
