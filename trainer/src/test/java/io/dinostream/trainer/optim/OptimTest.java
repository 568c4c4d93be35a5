package io.dinostream.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptimTest {
    @Test
    void layerwiseDecayFollowsTheReference() {
        // 12 blocks, decay 0.9: tokens and patch embedding are layer 0, block i layer i + 1, the rest 13.
        assertEquals(
                Math.pow(0.9, 13), ParameterGroups.of("cls_token", 12, 0.9, 1).lrMultiplier(), 1e-12);
        assertEquals(
                Math.pow(0.9, 13) * 0.2,
                ParameterGroups.of("patch_embed.proj.weight", 12, 0.9, 0.2).lrMultiplier(),
                1e-12);
        assertEquals(
                Math.pow(0.9, 12),
                ParameterGroups.of("blocks.0.attn.qkv.weight", 12, 0.9, 1).lrMultiplier(),
                1e-12);
        assertEquals(
                0.9, ParameterGroups.of("blocks.11.mlp.fc2.weight", 12, 0.9, 1).lrMultiplier(), 1e-12);
        assertEquals(1.0, ParameterGroups.of("norm.weight", 12, 0.9, 1).lrMultiplier(), 1e-12);
        // A head (no blocks) has no layer-wise decay.
        assertEquals(1.0, ParameterGroups.of("mlp.0.weight", 0, 0.9, 1).lrMultiplier());
    }

    @Test
    void noWeightDecayOnBiasesNormsAndTokens() {
        for (String name : List.of(
                "blocks.0.attn.qkv.bias",
                "blocks.0.norm1.weight",
                "norm.weight",
                "blocks.2.ls1.gamma",
                "cls_token",
                "pos_embed",
                "mask_token",
                "register_tokens")) {
            assertEquals(0.0, ParameterGroups.of(name, 12, 0.9, 1).wdMultiplier(), name);
        }
        assertEquals(
                1.0, ParameterGroups.of("blocks.0.attn.qkv.weight", 12, 0.9, 1).wdMultiplier());
        assertTrue(ParameterGroups.of("last_layer.weight_v", 0, 1, 1).lastLayer());
        assertFalse(ParameterGroups.of("mlp.4.weight", 0, 1, 1).lastLayer());
    }

    @Test
    void globalNormClippingScalesAllGradientsTogether() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray a = manager.create(new float[] {3, 0});
            NDArray b = manager.create(new float[] {0, 4});
            double norm = GradientClipping.clipGlobalNorm(List.of(a, b), 1.0);
            assertEquals(5.0, norm, 1e-6);
            float scale = (float) (1.0 / (5.0 + 1e-6));
            assertArrayEquals(new float[] {3 * scale, 0}, a.toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0, 4 * scale}, b.toFloatArray(), 1e-6f);
            // Under the limit nothing changes.
            NDArray c = manager.create(new float[] {0.1f, 0.2f});
            GradientClipping.clipGlobalNorm(List.of(c), 3.0);
            assertArrayEquals(new float[] {0.1f, 0.2f}, c.toFloatArray());
        }
    }
}
