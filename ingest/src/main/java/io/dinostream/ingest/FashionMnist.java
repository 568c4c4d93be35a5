package io.dinostream.ingest;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;

/**
 * The Fashion-MNIST dataset from Debian's {@code dataset-fashion-mnist} package: 28x28 grayscale IDX
 * files, published as PNG records with the label in the metadata.
 */
public final class FashionMnist {
    /** Where Debian installs the IDX files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    public static final int SIDE = 28;

    private final String split;
    private final byte[] pixels;
    private final byte[] labels;

    private FashionMnist(String split, byte[] pixels, byte[] labels) {
        this.split = split;
        this.pixels = pixels;
        this.labels = labels;
    }

    /**
     * Loads a split.
     *
     * @param split {@code train} (60,000 images) or {@code test} (10,000)
     */
    public static FashionMnist load(Path dir, String split) throws IOException {
        String prefix =
                switch (split) {
                    case "train" -> "train";
                    case "test" -> "t10k";
                    default -> throw new IllegalArgumentException(
                            "unknown Fashion-MNIST split '" + split + "': use train or test");
                };
        Path images = dir.resolve(prefix + "-images-idx3-ubyte.gz");
        Path labels = dir.resolve(prefix + "-labels-idx1-ubyte.gz");
        if (!Files.exists(images) || !Files.exists(labels)) {
            throw new IOException(
                    "Fashion-MNIST not found in " + dir + ": install it with 'apt-get install dataset-fashion-mnist'");
        }
        byte[] pixelData = readIdx(images, 2051, 3);
        byte[] labelData = readIdx(labels, 2049, 1);
        if (pixelData.length != labelData.length * SIDE * SIDE) {
            throw new IOException("Fashion-MNIST " + split + ": " + labelData.length + " labels but "
                    + pixelData.length / (SIDE * SIDE) + " images");
        }
        return new FashionMnist(split, pixelData, labelData);
    }

    public int size() {
        return labels.length;
    }

    public int label(int index) {
        return labels[index] & 0xFF;
    }

    /** Raw pixels of image {@code index}, row-major, 0 = black. */
    public byte[] pixels(int index) {
        byte[] image = new byte[SIDE * SIDE];
        System.arraycopy(pixels, index * SIDE * SIDE, image, 0, image.length);
        return image;
    }

    /** The id under which image {@code index} is published, e.g. {@code fashion-mnist-test-00042}. */
    public String id(int index) {
        return String.format("fashion-mnist-%s-%05d", split, index);
    }

    /** Image {@code index} as an 8-bit grayscale PNG. */
    public byte[] png(int index) {
        BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_BYTE_GRAY);
        byte[] raster = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        System.arraycopy(pixels, index * SIDE * SIDE, raster, 0, SIDE * SIDE);
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode Fashion-MNIST image " + index + " as PNG", e);
        }
        return out.toByteArray();
    }

    /** The first {@code limit} images as candidates, encoded lazily. */
    public List<ImageCandidate> candidates(int limit) {
        int count = Math.min(limit, size());
        return new AbstractList<>() {
            @Override
            public ImageCandidate get(int index) {
                return candidate(index);
            }

            @Override
            public int size() {
                return count;
            }
        };
    }

    private ImageCandidate candidate(int index) {
        return new ImageCandidate() {
            @Override
            public String source() {
                return "fashion-mnist:" + split + ":" + index;
            }

            @Override
            public ImageSubmission load(int maxBytes) {
                int label = label(index);
                String metadata = String.format(
                        "{\"label\":%d,\"class\":\"%s\",\"split\":\"%s\",\"index\":%d}",
                        label, CLASS_NAMES.get(label), split, index);
                return new ImageSubmission(id(index), png(index), source(), metadata);
            }
        };
    }

    private static byte[] readIdx(Path file, int magic, int dimensions) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16))) {
            int actualMagic = in.readInt();
            if (actualMagic != magic) {
                throw new IOException(file + ": IDX magic " + actualMagic + ", expected " + magic);
            }
            long length = 1;
            for (int i = 0; i < dimensions; i++) {
                length *= in.readInt();
            }
            byte[] data = new byte[Math.toIntExact(length)];
            in.readFully(data);
            return data;
        }
    }
}
