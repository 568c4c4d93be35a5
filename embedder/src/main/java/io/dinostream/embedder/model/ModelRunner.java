package io.dinostream.embedder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.dinostream.embedder.model.SafeTensors.DType;
import io.dinostream.embedder.model.SafeTensors.FloatTensor;
import io.dinostream.embedder.model.SafeTensors.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs {@code forward_features} over the image tensors of a safetensors file and names the outputs as
 * the DINOv2 fixtures do, so anyone can compare dinostream with the official code on their own inputs.
 *
 * <p>Every float tensor {@code <x>} of shape (B, 3, H, W) is an input; the outputs are
 * {@code <x>.x_norm_clstoken} (B, D), {@code <x>.x_norm_patchtokens} (B, h*w, D) and, for models with
 * registers, {@code <x>.x_norm_regtokens} (B, R, D). A BOOL tensor {@code <x>_masks} of shape (B, h*w)
 * adds the masked forward as {@code <x>_masked.x_norm_clstoken} and {@code <x>_masked.x_norm_patchtokens}.
 */
public final class ModelRunner {
    static final String MASKS_SUFFIX = "_masks";

    private ModelRunner() {}

    /** Reads {@code input}, runs every image tensor through {@code model}, writes F32 {@code output}. */
    public static Map<String, FloatTensor> run(DinoV2Model model, Path input, Path output) throws IOException {
        Map<String, FloatTensor> outputs = run(model, input);
        SafeTensors.write(
                output, outputs, Map.of("producer", "dinostream model run", "model", model.modelId()), DType.F32);
        return outputs;
    }

    /** The outputs for every image tensor of {@code input}, in the file's order. */
    public static Map<String, FloatTensor> run(DinoV2Model model, Path input) throws IOException {
        Map<String, FloatTensor> outputs = new LinkedHashMap<>();
        try (SafeTensors.Reader reader = SafeTensors.open(input)) {
            int images = 0;
            for (TensorInfo info : reader.tensors().values()) {
                if (!isImageBatch(info)) {
                    continue;
                }
                images++;
                float[] pixels = reader.readFloats(info.name());
                TensorInfo maskInfo = reader.tensors().get(info.name() + MASKS_SUFFIX);
                boolean[] masks = maskInfo == null ? null : readMasks(reader, maskInfo, info, model.config());
                outputs.putAll(forward(model, info.name(), info.shape(), pixels, masks));
            }
            if (images == 0) {
                throw new IllegalArgumentException(input + ": no float tensor of shape (B, 3, H, W) among "
                        + reader.tensors().keySet());
            }
        }
        return outputs;
    }

    private static boolean isImageBatch(TensorInfo info) {
        long[] s = info.shape();
        return info.dtype().isFloat() && s.length == 4 && s[1] == 3;
    }

    private static boolean[] readMasks(
            SafeTensors.Reader reader, TensorInfo maskInfo, TensorInfo imageInfo, DinoV2Config config) {
        long[] image = imageInfo.shape();
        long patches = (image[2] / config.patchSize()) * (image[3] / config.patchSize());
        long[] shape = maskInfo.shape();
        if (maskInfo.dtype() != DType.BOOL || shape.length != 2 || shape[0] != image[0] || shape[1] != patches) {
            throw new IllegalArgumentException("tensor '" + maskInfo.name() + "' must be BOOL of shape ("
                    + image[0] + ", " + patches + ") for '" + imageInfo.name() + "', got " + maskInfo.dtype() + " "
                    + maskInfo.shapeString());
        }
        ByteBuffer bytes = reader.readBytes(maskInfo.name());
        boolean[] masks = new boolean[bytes.remaining()];
        for (int i = 0; i < masks.length; i++) {
            masks[i] = bytes.get(i) != 0;
        }
        return masks;
    }

    private static Map<String, FloatTensor> forward(
            DinoV2Model model, String name, long[] shape, float[] pixels, boolean[] masks) {
        return model.withEngine((manager, parameters, vit) -> {
            Map<String, FloatTensor> out = new LinkedHashMap<>();
            NDArray x = manager.create(pixels, new Shape(shape));
            FeatureOutputs features = vit.forwardFeatures(parameters, x, null, false);
            out.put(name + ".x_norm_clstoken", tensor(features.clsToken()));
            out.put(name + ".x_norm_patchtokens", tensor(features.patchTokens()));
            if (vit.config().numRegisters() > 0) {
                out.put(name + ".x_norm_regtokens", tensor(features.regTokens()));
            }
            if (masks != null) {
                NDArray m = manager.create(masks, new Shape(shape[0], masks.length / shape[0]));
                FeatureOutputs masked = vit.forwardFeatures(parameters, x, m, false);
                out.put(name + "_masked.x_norm_clstoken", tensor(masked.clsToken()));
                out.put(name + "_masked.x_norm_patchtokens", tensor(masked.patchTokens()));
            }
            return out;
        });
    }

    private static FloatTensor tensor(NDArray array) {
        return new FloatTensor(array.getShape().getShape(), array.toFloatArray());
    }
}
