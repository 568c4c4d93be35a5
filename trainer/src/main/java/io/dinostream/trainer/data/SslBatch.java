package io.dinostream.trainer.data;

import io.dinostream.trainer.masking.BatchMasks;

/**
 * One training batch as the reference's {@code collate_data_and_cast} lays it out, in Java arrays: the
 * global crops crop-major ({@code [crop 0 of every image, crop 1 of every image]}, CHW floats), the local
 * crops the same way, and the iBOT masks of the global crops.
 *
 * @param images images in the batch (B)
 * @param global {@code 2 * B * 3 * globalSize^2} floats
 * @param local {@code localCrops * B * 3 * localSize^2} floats
 */
public record SslBatch(
        int images, float[] global, int globalSize, float[] local, int localCrops, int localSize, BatchMasks masks) {}
