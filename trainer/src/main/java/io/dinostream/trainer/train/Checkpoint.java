package io.dinostream.trainer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dinostream.common.files.FileTrees;
import io.dinostream.embedder.model.SafeTensors;
import io.dinostream.embedder.model.SafeTensors.FloatTensor;
import io.dinostream.trainer.config.TrainConfig;
import io.dinostream.trainer.ssl.SslMetaArch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run's checkpoint, a directory {@code <run>/checkpoint/}: {@code student.safetensors}, {@code
 * teacher.safetensors} (reference names {@code backbone.*}, {@code dino_head.*}), {@code
 * optimizer.safetensors} (AdamW moments), {@code ema.safetensors} (distillation's EMA of the student), {@code state.json} (iteration, optimizer steps, centering
 * centres, the epoch metrics so far) and {@code config.json} (the resolved config).
 *
 * <p>Written to {@code checkpoint.tmp} first and swapped in by renames, so a crash while saving leaves the
 * previous checkpoint ({@code checkpoint} or, mid-swap, {@code checkpoint.old}) readable.
 */
public final class Checkpoint {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The small state next to the tensors. */
    public record State(long iteration, long optimizerSteps, float[][] centres, List<EpochMetrics> metrics) {}

    private Checkpoint() {}

    public static void save(Path runDir, TrainConfig config, SslMetaArch arch, State state) throws IOException {
        Path tmp = runDir.resolve("checkpoint.tmp");
        FileTrees.delete(tmp);
        Files.createDirectories(tmp);
        Map<String, String> meta = Map.of("iteration", Long.toString(state.iteration()));
        SafeTensors.write(tmp.resolve("student.safetensors"), arch.student().values(), meta, SafeTensors.DType.F32);
        SafeTensors.write(tmp.resolve("teacher.safetensors"), arch.teacher().values(), meta, SafeTensors.DType.F32);
        if (arch.separateEma()) {
            SafeTensors.write(tmp.resolve("ema.safetensors"), arch.ema().values(), meta, SafeTensors.DType.F32);
        }
        Map<String, FloatTensor> moments = new LinkedHashMap<>();
        arch.optimizer()
                .state()
                .forEach((k, v) -> moments.put(k, new FloatTensor(v.getShape().getShape(), v.toFloatArray())));
        SafeTensors.write(tmp.resolve("optimizer.safetensors"), moments, meta, SafeTensors.DType.F32);
        Files.writeString(tmp.resolve("config.json"), config.toJson());
        Files.writeString(tmp.resolve("state.json"), JSON.writeValueAsString(state));
        Path current = runDir.resolve("checkpoint");
        Path old = runDir.resolve("checkpoint.old");
        FileTrees.delete(old);
        if (Files.exists(current)) {
            Files.move(current, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, current, StandardCopyOption.ATOMIC_MOVE);
        FileTrees.delete(old);
    }

    /** The directory of the latest complete checkpoint, if any. */
    public static Optional<Path> find(Path runDir) {
        for (String name : List.of("checkpoint", "checkpoint.old")) {
            Path dir = runDir.resolve(name);
            if (Files.isRegularFile(dir.resolve("state.json"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    public static TrainConfig config(Path checkpointDir) throws IOException {
        return TrainConfig.fromJson(Files.readString(checkpointDir.resolve("config.json")));
    }

    /** Loads the networks, optimizer and centres into {@code arch}; returns the state. */
    public static State restore(Path checkpointDir, SslMetaArch arch) throws IOException {
        State state = JSON.readValue(checkpointDir.resolve("state.json").toFile(), State.class);
        arch.student().load(read(checkpointDir.resolve("student.safetensors")));
        arch.teacher().load(read(checkpointDir.resolve("teacher.safetensors")));
        if (arch.separateEma()) {
            arch.ema().load(read(checkpointDir.resolve("ema.safetensors")));
        }
        Map<String, float[]> moments = new LinkedHashMap<>();
        read(checkpointDir.resolve("optimizer.safetensors")).forEach((k, v) -> moments.put(k, v.data()));
        arch.optimizer().restore(moments, state.optimizerSteps());
        if (state.centres() != null) {
            arch.targets().restore(state.centres());
        }
        return state;
    }

    /** Every tensor of a safetensors file as floats. */
    public static Map<String, FloatTensor> read(Path file) throws IOException {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        try (SafeTensors.Reader reader = SafeTensors.open(file)) {
            for (SafeTensors.TensorInfo info : reader.tensors().values()) {
                out.put(info.name(), new FloatTensor(info.shape(), reader.readFloats(info.name())));
            }
        }
        return out;
    }
}
