package io.dinostream.trainer.train;

import ai.djl.ndarray.NDManager;
import io.dinostream.embedder.model.DinoV2Config;
import io.dinostream.embedder.model.DinoV2Weights;
import io.dinostream.embedder.model.LoadOptions;
import io.dinostream.embedder.model.SafeTensors;
import io.dinostream.trainer.config.TrainConfig;
import io.dinostream.trainer.ssl.SslMetaArch;
import io.dinostream.trainer.ssl.SslNetwork;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What differs between self-supervised training and distillation for {@link SslTrainer}: how the networks
 * are made, whether the student sees masked crops, and which network is the result (evaluated after each
 * epoch and exported).
 */
public interface RunSetup {
    /** Creates the networks and the meta-architecture on {@code manager}. */
    SslMetaArch create(NDManager manager, TrainConfig config) throws IOException;

    /** True for distillation: no masking, iBOT on every patch of the global crops. */
    boolean wholeCrops();

    /** The network whose backbone is the run's model. */
    SslNetwork result(SslMetaArch arch);

    /** The architecture of the result's backbone, as exported. */
    DinoV2Config resultConfig(TrainConfig config);

    /** DINOv2 self-supervised training: student from scratch, teacher its EMA, teacher is the result. */
    static RunSetup selfSupervised() {
        return selfSupervised(null);
    }

    /**
     * Self-supervised training that continues from a model: student and teacher backbones start as the
     * weights file's (official or Hugging Face names; the architecture must be the config's), heads fresh.
     * What a retrain does with the current teacher. {@code init} null starts from scratch.
     */
    static RunSetup selfSupervised(Path init) {
        return new RunSetup() {
            @Override
            public SslMetaArch create(NDManager manager, TrainConfig config) throws IOException {
                SslNetwork student =
                        SslNetwork.initialise(manager, config.model(), config.preset(), config.head(), config.seed());
                if (init != null) {
                    try {
                        Map<String, SafeTensors.FloatTensor> values = student.values();
                        DinoV2Weights.read(init, LoadOptions.defaults())
                                .tensors()
                                .forEach((name, tensor) -> values.put(SslNetwork.BACKBONE + name, tensor));
                        student.load(values);
                    } catch (RuntimeException e) {
                        throw new IllegalArgumentException(
                                "cannot start from " + init + ": its backbone does not fit the " + config.preset()
                                        + " architecture (" + e.getMessage() + ")",
                                e);
                    }
                }
                return SslMetaArch.selfDistillation(manager, config, student, student.copy(manager));
            }

            @Override
            public boolean wholeCrops() {
                return false;
            }

            @Override
            public SslNetwork result(SslMetaArch arch) {
                return arch.teacher();
            }

            @Override
            public DinoV2Config resultConfig(TrainConfig config) {
                return config.model().toDinoV2Config(config.preset());
            }
        };
    }
}
