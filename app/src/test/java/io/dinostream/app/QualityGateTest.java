package io.dinostream.app;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinostream.app.roles.QualityGate;
import io.dinostream.common.config.DinostreamConfig;
import io.dinostream.embedder.ImageEmbedder;
import io.dinostream.embedder.ImageEmbedders;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The swap's quality gate with real models on 300 Fashion-MNIST test images: the trained model far
 * outscores random vectors (chance is 0.1), a model passes against itself, and the distilled student
 * passes within a tolerance.
 */
class QualityGateTest {
    @Test
    void theGateRanksModelsByProbePrecision(@TempDir Path dir) throws Exception {
        Path tiny = ShippedModels.extract(dir, ShippedModels.TINY);
        Path micro = ShippedModels.extract(dir, ShippedModels.MICRO);
        try (ImageEmbedder teacher = embedder(Map.of(DinostreamConfig.MODEL_WEIGHTS, tiny.toString()));
                ImageEmbedder student = embedder(Map.of(DinostreamConfig.MODEL_WEIGHTS, micro.toString()));
                ImageEmbedder random = new RandomVectors(teacher.spec())) {
            QualityGate strict = gate(0.0);
            QualityGate.Verdict self = strict.judge(teacher, teacher);
            assertTrue(self.passed() && self.serving() > 0.45, self.describe());
            QualityGate.Verdict noise = strict.judge(random, teacher);
            assertFalse(noise.passed(), noise.describe());
            assertTrue(noise.candidate() < noise.serving() - 0.05, noise.describe());
            QualityGate.Verdict distilled = strict.judge(student, teacher);
            QualityGate.Verdict tolerant = gate(0.1).judge(student, teacher);
            System.out.println(
                    "quality gate figures: student " + distilled.describe() + "; random " + noise.describe());
            assertTrue(tolerant.passed(), tolerant.describe());
            assertTrue(distilled.passed() == (distilled.candidate() >= distilled.serving()), distilled.describe());
        }
    }

    /** TEST DOUBLE: a "model" whose vectors are seeded noise, the worst candidate a gate must stop. */
    private record RandomVectors(io.dinostream.common.wire.EmbeddingSpec spec) implements ImageEmbedder {
        @Override
        public java.util.List<io.dinostream.embedder.EmbedOutcome> embed(java.util.List<byte[]> images) {
            java.util.List<io.dinostream.embedder.EmbedOutcome> out = new java.util.ArrayList<>();
            for (byte[] image : images) {
                java.util.Random random = new java.util.Random(java.util.Arrays.hashCode(image));
                float[] v = new float[spec.dimension()];
                for (int d = 0; d < v.length; d++) {
                    v[d] = (float) random.nextGaussian();
                }
                out.add(io.dinostream.embedder.EmbedOutcome.success(v));
            }
            return out;
        }

        @Override
        public void close() {}
    }

    private static QualityGate gate(double tolerance) throws Exception {
        return QualityGate.fromConfig(new DinostreamConfig(Map.of(
                DinostreamConfig.MODEL_SWAP_GATE_PROBE,
                "fashion-mnist:test",
                DinostreamConfig.MODEL_SWAP_GATE_SIZE,
                300,
                DinostreamConfig.MODEL_SWAP_GATE_TOLERANCE,
                tolerance)));
    }

    private static ImageEmbedder embedder(Map<String, Object> settings) {
        return ImageEmbedders.fromConfig(new DinostreamConfig(new HashMap<>(settings)));
    }
}
