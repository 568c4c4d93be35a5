package io.dinostream.trainer.data;

import io.dinostream.embedder.image.RgbImage;
import io.dinostream.ingest.FashionMnist;
import java.io.IOException;

/** Fashion-MNIST (Debian's {@code dataset-fashion-mnist}) as RGB images: the gray value in every channel. */
public final class FashionMnistImages implements ImageDataset {
    private final FashionMnist data;
    private final String split;

    private FashionMnistImages(FashionMnist data, String split) {
        this.data = data;
        this.split = split;
    }

    public static FashionMnistImages load(String split) throws IOException {
        return new FashionMnistImages(FashionMnist.load(FashionMnist.DEFAULT_DIR, split), split);
    }

    @Override
    public int size() {
        return data.size();
    }

    @Override
    public RgbImage image(int index) {
        byte[] gray = data.pixels(index);
        byte[] rgb = new byte[gray.length * 3];
        for (int i = 0; i < gray.length; i++) {
            rgb[3 * i] = gray[i];
            rgb[3 * i + 1] = gray[i];
            rgb[3 * i + 2] = gray[i];
        }
        return new RgbImage(FashionMnist.SIDE, FashionMnist.SIDE, rgb);
    }

    @Override
    public int label(int index) {
        return data.label(index);
    }

    @Override
    public String describe() {
        return "fashion-mnist:" + split + " (" + size() + " images)";
    }
}
