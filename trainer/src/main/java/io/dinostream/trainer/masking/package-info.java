/**
 * iBOT's block-wise masking of student patch tokens: {@link io.dinostream.trainer.masking.BlockMasking}
 * masks rectangles of patches up to a target count, and {@link io.dinostream.trainer.masking.BatchMasks}
 * masks half of a batch's global crops with ratios spread over the configured range, as DINOv2's
 * {@code collate_data_and_cast} does.
 */
package io.dinostream.trainer.masking;
