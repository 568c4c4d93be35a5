package io.dinostream.embedder.image;

/**
 * DINOv2's evaluation transform, bit-exact with torchvision 0.14 on PIL images:
 * {@code Resize(resolution*256/224, BICUBIC)}, {@code CenterCrop(resolution)}, {@code ToTensor()},
 * {@code Normalize(ImageNet mean, std)}, producing a CHW float32 tensor.
 *
 * <ul>
 *   <li>Resize: the shorter side becomes {@link #resizeShortSide()}, the longer side
 *       {@code int(short * long / short_in)} (truncated, as torchvision does), with PIL's antialiased
 *       bicubic ({@link PilBicubic}).
 *   <li>Centre crop offsets {@code round((size - resolution) / 2.0)} with round-half-even (Python's
 *       {@code round}).
 *   <li>{@code (v / 255f - mean[c]) / std[c]} in float32, exactly torchvision's operations.
 * </ul>
 *
 * <p>Only the cropped window is resampled (identical bytes, less work). Immutable and thread-safe.
 */
public final class Preprocessor {
    /** DINOv2's crop side, the default resolution. */
    public static final int DEFAULT_RESOLUTION = 224;
    /** The ViT patch size: the resolution must be a multiple of it. */
    public static final int PATCH_SIZE = 14;

    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    private final int resolution;
    private final int resizeShortSide;
    /** {@code lut[c * 256 + v]}: the normalised value of uint8 {@code v} in channel {@code c}. */
    private final float[] lut = new float[3 * 256];

    /** The default: 224, resize to 256. */
    public Preprocessor() {
        this(DEFAULT_RESOLUTION);
    }

    /**
     * @param resolution side of the square crop, a positive multiple of {@link #PATCH_SIZE}; the shorter
     *     side is resized to {@code resolution * 256 / 224} (integer division) first
     */
    public Preprocessor(int resolution) {
        this(resolution, resolution * 256 / 224);
    }

    /**
     * @param resolution side of the square crop, a positive multiple of {@link #PATCH_SIZE}
     * @param resizeShortSide what the shorter side is resized to first, at least {@code resolution} (a model
     *     trained on whole small images, such as the Fashion-MNIST one, uses {@code resolution}: no crop)
     */
    public Preprocessor(int resolution, int resizeShortSide) {
        if (resolution < PATCH_SIZE || resolution % PATCH_SIZE != 0 || resolution > 14 * 1024) {
            throw new IllegalArgumentException(
                    "resolution must be a positive multiple of " + PATCH_SIZE + " up to 14336, got " + resolution);
        }
        if (resizeShortSide < resolution) {
            throw new IllegalArgumentException(
                    "resize side " + resizeShortSide + " is smaller than the crop " + resolution);
        }
        this.resolution = resolution;
        this.resizeShortSide = resizeShortSide;
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                float x = v / 255f;
                lut[c * 256 + v] = (x - MEAN[c]) / STD[c];
            }
        }
    }

    public int resolution() {
        return resolution;
    }

    /** Side the shorter image side is resized to before cropping. */
    public int resizeShortSide() {
        return resizeShortSide;
    }

    /** Floats per preprocessed image: {@code 3 * resolution * resolution}. */
    public int tensorSize() {
        return 3 * resolution * resolution;
    }

    /** ImageNet channel means, as torchvision's {@code Normalize} uses them (float32). */
    public static float[] mean() {
        return MEAN.clone();
    }

    /** ImageNet channel standard deviations (float32). */
    public static float[] std() {
        return STD.clone();
    }

    /**
     * The size torchvision's {@code Resize(shortSide)} gives a {@code width x height} image, as
     * {@code {width, height}}.
     */
    public static int[] resizedSize(int width, int height, int shortSide) {
        if (width <= height) {
            return new int[] {shortSide, (int) ((double) ((long) shortSide * height) / width)};
        }
        return new int[] {(int) ((double) ((long) shortSide * width) / height), shortSide};
    }

    /** Python's {@code int(round((size - crop) / 2.0))}: round half to even. */
    static int cropOffset(int size, int crop) {
        return (int) Math.rint((size - crop) / 2.0);
    }

    /** The resized (not yet cropped) image: what torchvision's {@code Resize} returns. */
    public RgbImage resize(RgbImage image) {
        int[] size = resizedSize(image.width(), image.height(), resizeShortSide);
        return PilBicubic.resize(image, size[0], size[1]);
    }

    /** The resized and centre-cropped uint8 image ({@code resolution x resolution}). */
    public RgbImage resizeAndCrop(RgbImage image) {
        int[] size = resizedSize(image.width(), image.height(), resizeShortSide);
        int left = cropOffset(size[0], resolution);
        int top = cropOffset(size[1], resolution);
        byte[] crop = PilBicubic.resizeWindow(
                image.rgb(), image.width(), image.height(), 3, size[0], size[1], left, top, resolution, resolution);
        return new RgbImage(resolution, resolution, crop);
    }

    /** The model input for one image: {@code float[3 * resolution * resolution]}, CHW. */
    public float[] preprocess(RgbImage image) {
        float[] out = new float[tensorSize()];
        preprocessInto(image, out, 0);
        return out;
    }

    /**
     * Writes the model input for one image into {@code out[offset, offset + tensorSize())}, CHW; use it
     * to fill a batch buffer without copies.
     */
    public void preprocessInto(RgbImage image, float[] out, int offset) {
        if (offset < 0 || offset > out.length - tensorSize()) {
            throw new IllegalArgumentException(
                    "need " + tensorSize() + " floats at offset " + offset + " in an array of " + out.length);
        }
        int[] size = resizedSize(image.width(), image.height(), resizeShortSide);
        int left = cropOffset(size[0], resolution);
        int top = cropOffset(size[1], resolution);
        int plane = resolution * resolution;
        byte[] gray = grayPlane(image);
        if (gray != null) {
            // R = G = B everywhere (grayscale input): resample one channel, a third of the work.
            byte[] crop = PilBicubic.resizeWindow(
                    gray, image.width(), image.height(), 1, size[0], size[1], left, top, resolution, resolution);
            for (int i = 0; i < plane; i++) {
                int v = crop[i] & 0xFF;
                out[offset + i] = lut[v];
                out[offset + plane + i] = lut[256 + v];
                out[offset + 2 * plane + i] = lut[512 + v];
            }
            return;
        }
        byte[] crop = PilBicubic.resizeWindow(
                image.rgb(), image.width(), image.height(), 3, size[0], size[1], left, top, resolution, resolution);
        for (int i = 0; i < plane; i++) {
            out[offset + i] = lut[crop[3 * i] & 0xFF];
            out[offset + plane + i] = lut[256 + (crop[3 * i + 1] & 0xFF)];
            out[offset + 2 * plane + i] = lut[512 + (crop[3 * i + 2] & 0xFF)];
        }
    }

    /** The single channel of an image whose three channels are equal everywhere, else null. */
    private static byte[] grayPlane(RgbImage image) {
        byte[] rgb = image.rgb();
        byte[] gray = new byte[rgb.length / 3];
        for (int i = 0, j = 0; j < gray.length; i += 3, j++) {
            byte r = rgb[i];
            if (r != rgb[i + 1] || r != rgb[i + 2]) {
                return null;
            }
            gray[j] = r;
        }
        return gray;
    }
}
