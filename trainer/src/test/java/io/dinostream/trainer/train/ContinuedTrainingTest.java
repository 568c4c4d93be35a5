package io.dinostream.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.dinostream.embedder.model.DinoV2Weights;
import io.dinostream.embedder.model.LoadOptions;
import io.dinostream.embedder.model.SafeTensors.FloatTensor;
import io.dinostream.trainer.config.TrainConfig;
import io.dinostream.trainer.ssl.SslMetaArch;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training that continues from a model (what a retrain does with the current teacher): both backbones
 * start as the file's weights; a file of another architecture is refused with a reason.
 */
class ContinuedTrainingTest {
    @Test
    void studentAndTeacherBackbonesStartFromTheGivenWeights(@TempDir Path dir) throws Exception {
        Path tiny = extract(dir, "fmnist-vit-tiny.safetensors");
        Map<String, FloatTensor> expected =
                DinoV2Weights.read(tiny, LoadOptions.defaults()).tensors();
        TrainConfig config = TrainConfig.preset("fmnist-vit-tiny");
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                SslMetaArch arch = RunSetup.selfSupervised(tiny).create(manager, config)) {
            for (Map<String, FloatTensor> backbone : java.util.List.of(
                    arch.student().backboneValues(), arch.teacher().backboneValues())) {
                int compared = 0;
                for (Map.Entry<String, FloatTensor> e : expected.entrySet()) {
                    FloatTensor actual = backbone.get(e.getKey());
                    if (actual != null) {
                        assertArrayEquals(e.getValue().data(), actual.data(), 0f, e.getKey());
                        compared++;
                    }
                }
                assertTrue(compared >= expected.size() - 1, compared + " of " + expected.size() + " tensors compared");
            }
        }
        Path micro = extract(dir, "fmnist-vit-micro.safetensors");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> RunSetup.selfSupervised(micro)
                            .create(manager, config));
            assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
        }
    }

    private static Path extract(Path dir, String name) throws Exception {
        Path file = dir.resolve(name);
        try (InputStream in =
                ContinuedTrainingTest.class.getResourceAsStream("/io/dinostream/embedder/models/" + name)) {
            Files.copy(in, file);
        }
        return file;
    }
}
