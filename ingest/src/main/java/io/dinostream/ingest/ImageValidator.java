package io.dinostream.ingest;

import io.dinostream.common.wire.ImageFormat;
import io.dinostream.common.wire.ImageIds;

/** Checks an image before it is published: valid id, not empty, not over the size limit, supported format. */
public final class ImageValidator {
    private final int maxBytes;

    public ImageValidator(int maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** The format of a valid submission. */
    public ImageFormat validate(ImageSubmission image) throws RejectedImageException {
        if (!ImageIds.isValid(image.id())) {
            throw new RejectedImageException(image.source() + ": invalid image id '" + image.id() + "'");
        }
        if (image.bytes().length == 0) {
            throw new RejectedImageException(image.source() + ": empty file");
        }
        if (image.bytes().length > maxBytes) {
            throw new RejectedImageException(String.format(
                    "%s: %,d bytes is over the limit of %,d bytes (image.max.bytes)",
                    image.source(), image.bytes().length, maxBytes));
        }
        return ImageFormat.sniff(image.bytes())
                .orElseThrow(() -> new RejectedImageException(image.source() + ": not a supported image ("
                        + ImageFormat.describe(image.bytes()) + "); accepted: PNG, JPEG, GIF, BMP"));
    }
}
