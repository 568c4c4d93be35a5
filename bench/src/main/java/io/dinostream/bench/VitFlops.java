package io.dinostream.bench;

import io.dinostream.embedder.model.DinoV2Config;
import io.dinostream.embedder.model.FfnType;

/**
 * Multiply-add FLOPs of one DINOv2 forward pass (2 per multiply-add), counting the matrix products that
 * dominate: patch embedding, qkv, attention scores and mixing, projection, FFN. Norms, softmax, GELU
 * and additions are left out (under 1% for ViT-S/14 at 224). ViT-S/14 at 224: about 12.2 GFLOP.
 */
public final class VitFlops {
    private VitFlops() {}

    public static double perImage(DinoV2Config c, int height, int width) {
        long patches = (long) (height / c.patchSize()) * (width / c.patchSize());
        long tokens = 1 + c.numRegisters() + patches;
        double d = c.embedDim();
        double patchEmbed = 2.0 * patches * d * c.inChans() * c.patchSize() * c.patchSize();
        double qkv = 2.0 * tokens * d * 3 * d;
        double attention = 2.0 * 2 * tokens * tokens * d;
        double projection = 2.0 * tokens * d * d;
        double ffn = c.ffn() == FfnType.SWIGLU
                ? 2.0 * tokens * d * (2.0 * c.ffnHidden()) + 2.0 * tokens * c.ffnHidden() * d
                : 2.0 * 2 * tokens * d * c.ffnHidden();
        return patchEmbed + c.depth() * (qkv + attention + projection + ffn);
    }
}
