package io.dinostream.trainer.masking;

import java.util.Random;

/**
 * Block-wise masking on a grid of patches ({@code dinov2/data/masking.py MaskingGenerator}): rectangles of
 * random area (at least {@code minPatches}, at most what is left to mask and {@code maxPatches}) and
 * random aspect ratio (log-uniform in {@code [minAspect, 1/minAspect]}) are added until the target count
 * is reached, or ten tries in a row add nothing. A rectangle is kept only if it adds something and does not
 * overshoot the patches still to mask; so the count may fall short of the target, never above it.
 */
public final class BlockMasking {
    private static final int TRIES = 10;

    private final int height;
    private final int width;
    private final int minPatches;
    private final int maxPatches;
    private final double minLogAspect;
    private final double maxLogAspect;

    /**
     * @param maxPatches the largest block; the reference uses half the grid
     * @param minAspect e.g. 0.3: blocks between 0.3 and 1/0.3 as tall as wide
     */
    public BlockMasking(int height, int width, int minPatches, int maxPatches, double minAspect) {
        if (height < 1 || width < 1 || minPatches < 1 || maxPatches < minPatches || minAspect <= 0 || minAspect > 1) {
            throw new IllegalArgumentException("invalid masking: " + height + "x" + width + ", patches " + minPatches
                    + ".." + maxPatches + ", min aspect " + minAspect);
        }
        this.height = height;
        this.width = width;
        this.minPatches = minPatches;
        this.maxPatches = maxPatches;
        this.minLogAspect = Math.log(minAspect);
        this.maxLogAspect = Math.log(1 / minAspect);
    }

    /** The reference's configuration for a grid: blocks of 4 patches up to half the grid, aspect 0.3. */
    public static BlockMasking forGrid(int height, int width) {
        return new BlockMasking(height, width, 4, Math.max(4, height * width / 2), 0.3);
    }

    public int patches() {
        return height * width;
    }

    /** A row-major {@code height * width} mask with at most {@code target} patches set. */
    public boolean[] mask(int target, Random random) {
        boolean[] mask = new boolean[height * width];
        int count = 0;
        while (count < target) {
            int added = addBlock(mask, Math.min(target - count, maxPatches), random);
            if (added == 0) {
                break;
            }
            count += added;
        }
        return mask;
    }

    /** One try-up-to-ten-times block, as {@code MaskingGenerator._mask}; returns the patches it added. */
    private int addBlock(boolean[] mask, int maxAdded, Random random) {
        int added = 0;
        for (int attempt = 0; attempt < TRIES; attempt++) {
            double area = minPatches + (maxAdded - minPatches) * random.nextDouble();
            double aspect = Math.exp(minLogAspect + (maxLogAspect - minLogAspect) * random.nextDouble());
            int h = (int) Math.round(Math.sqrt(area * aspect));
            int w = (int) Math.round(Math.sqrt(area / aspect));
            if (w < width && h < height) {
                int top = random.nextInt(height - h + 1);
                int left = random.nextInt(width - w + 1);
                int already = 0;
                for (int i = top; i < top + h; i++) {
                    for (int j = left; j < left + w; j++) {
                        already += mask[i * width + j] ? 1 : 0;
                    }
                }
                int fresh = h * w - already;
                if (fresh > 0 && fresh <= maxAdded) {
                    for (int i = top; i < top + h; i++) {
                        for (int j = left; j < left + w; j++) {
                            if (!mask[i * width + j]) {
                                mask[i * width + j] = true;
                                added++;
                            }
                        }
                    }
                }
                if (added > 0) {
                    break;
                }
            }
        }
        return added;
    }
}
