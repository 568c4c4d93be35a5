package io.dinostream.api.internals;

import io.dinostream.common.wire.ImageFormat;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import java.util.Locale;

/**
 * Reads the query image of {@code POST /v1/search} into memory, from a raw body ({@code image/*} or
 * {@code application/octet-stream}, or no content type) or from the {@code image} part of a
 * {@code multipart/form-data} body. Nothing touches the disk.
 *
 * <p>Limits: a raw body, and the {@code image} part, may be at most {@code imageMaxBytes}; a whole multipart
 * body at most {@code multipartMaxBytes}. A declared {@code Content-Length} over the limit is refused before
 * reading; a body that grows over it is refused as soon as it does, and the rest of it is read and dropped
 * (so that the client, which is still sending, reads the 413 rather than a reset connection).
 *
 * <p>Must be called from the first handler of the route, before anything asynchronous happens, so that no
 * body chunk arrives before the handlers are set. All callbacks run on the request's event loop.
 */
final class ImageBodyReader {
    static final String IMAGE_FIELD = "image";

    private ImageBodyReader() {}

    /** An image body and the format its leading bytes name. */
    record SniffedImage(byte[] bytes, ImageFormat format) {}

    /**
     * {@link #read} followed by the format check: a body that is not PNG, JPEG, GIF or BMP fails with
     * 415 {@code unsupported_image_format}, naming what it looks like.
     */
    static Future<SniffedImage> readImage(HttpServerRequest request, int imageMaxBytes, long multipartMaxBytes) {
        return read(request, imageMaxBytes, multipartMaxBytes).compose(bytes -> {
            java.util.Optional<ImageFormat> format = ImageFormat.sniff(bytes);
            if (format.isEmpty()) {
                return Future.failedFuture(ErrorCode.UNSUPPORTED_IMAGE_FORMAT.exception(
                        "the body is not a supported image (PNG, JPEG, GIF or BMP): it looks like "
                                + ImageFormat.describe(bytes)));
            }
            return Future.succeededFuture(new SniffedImage(bytes, format.get()));
        });
    }

    /**
     * A small non-image body (JSON), at most {@code maxBytes}: 413 beyond, 400 {@code empty_body} when
     * empty. Reads as the chunks arrive and stops at the limit.
     */
    static Future<byte[]> readLimited(HttpServerRequest request, int maxBytes) {
        String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > maxBytes) {
                    return Future.failedFuture(
                            ErrorCode.BODY_TOO_LARGE.exception("the JSON body exceeds " + maxBytes + " bytes"));
                }
            } catch (NumberFormatException e) {
                return Future.failedFuture(ErrorCode.MALFORMED_REQUEST.exception(
                        "Content-Length '" + RequestParams.clip(declared) + "' is not a number"));
            }
        }
        Promise<byte[]> body = Promise.promise();
        Buffer collected = Buffer.buffer();
        request.handler(chunk -> {
            if (collected.length() + chunk.length() > maxBytes) {
                body.tryFail(ErrorCode.BODY_TOO_LARGE.exception("the JSON body exceeds " + maxBytes + " bytes"));
                request.pause();
                return;
            }
            collected.appendBuffer(chunk);
        });
        request.exceptionHandler(e -> body.tryFail(ErrorCode.MALFORMED_REQUEST.exception(
                "the body could not be read: " + RequestParams.clip(e.getMessage()))));
        request.endHandler(v -> {
            if (collected.length() == 0) {
                body.tryFail(ErrorCode.EMPTY_BODY.exception("the JSON body is empty"));
            } else {
                body.tryComplete(collected.getBytes());
            }
        });
        return body.future();
    }

    static Future<byte[]> read(HttpServerRequest request, int imageMaxBytes, long multipartMaxBytes) {
        String mediaType = mediaType(request.getHeader(HttpHeaders.CONTENT_TYPE));
        boolean multipart = mediaType.equals("multipart/form-data");
        if (!multipart
                && !mediaType.isEmpty()
                && !mediaType.startsWith("image/")
                && !mediaType.equals("application/octet-stream")) {
            return Future.failedFuture(ErrorCode.UNSUPPORTED_MEDIA_TYPE.exception("Content-Type '"
                    + RequestParams.clip(mediaType)
                    + "' is not accepted: send the image bytes as image/* or application/octet-stream, or as the"
                    + " 'image' field of multipart/form-data (curl -F image=@photo.jpg)"));
        }
        long limit = multipart ? multipartMaxBytes : imageMaxBytes;
        String declaredLength = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declaredLength != null) {
            long length;
            try {
                length = Long.parseLong(declaredLength.trim());
            } catch (NumberFormatException e) {
                return Future.failedFuture(ErrorCode.MALFORMED_REQUEST.exception(
                        "Content-Length '" + RequestParams.clip(declaredLength) + "' is not a number"));
            }
            if (length > limit) {
                return Future.failedFuture(tooLarge(multipart, imageMaxBytes, multipartMaxBytes));
            }
        }
        Collector collector = new Collector(request, imageMaxBytes, multipartMaxBytes, multipart);
        return collector.start();
    }

    /** The media type of a Content-Type header, lower case, without parameters; empty if absent. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        String type = semicolon >= 0 ? contentType.substring(0, semicolon) : contentType;
        return type.trim().toLowerCase(Locale.ROOT);
    }

    private static ApiException tooLarge(boolean multipart, int imageMaxBytes, long multipartMaxBytes) {
        return ErrorCode.BODY_TOO_LARGE.exception(
                multipart
                        ? "multipart body is larger than " + multipartMaxBytes + " bytes (the image may be at most "
                                + imageMaxBytes + " bytes)"
                        : "image is larger than the limit of " + imageMaxBytes + " bytes");
    }

    /** The state of one body being read. Event-loop confined. */
    private static final class Collector {
        private final HttpServerRequest request;
        private final int imageMaxBytes;
        private final long multipartMaxBytes;
        private final boolean multipart;
        private final Promise<byte[]> promise = Promise.promise();

        private long bodyBytes;
        private Buffer raw;
        private boolean imagePartSeen;
        private Buffer imagePart;
        private boolean imagePartEnded;
        private boolean requestEnded;

        Collector(HttpServerRequest request, int imageMaxBytes, long multipartMaxBytes, boolean multipart) {
            this.request = request;
            this.imageMaxBytes = imageMaxBytes;
            this.multipartMaxBytes = multipartMaxBytes;
            this.multipart = multipart;
        }

        Future<byte[]> start() {
            if (multipart) {
                try {
                    request.setExpectMultipart(true);
                } catch (RuntimeException e) {
                    return Future.failedFuture(ErrorCode.MALFORMED_REQUEST.exception(
                            "multipart body cannot be decoded: " + RequestParams.clip(e.getMessage())));
                }
                request.uploadHandler(this::onUpload);
            } else {
                raw = Buffer.buffer();
            }
            request.handler(this::onChunk);
            request.exceptionHandler(this::onRequestError);
            request.endHandler(v -> {
                requestEnded = true;
                maybeFinish();
            });
            return promise.future();
        }

        private boolean done() {
            return promise.future().isComplete();
        }

        private void onChunk(Buffer chunk) {
            if (done()) {
                return; // already answered: drop the rest of the body
            }
            bodyBytes += chunk.length();
            if (bodyBytes > (multipart ? multipartMaxBytes : imageMaxBytes)) {
                fail(tooLarge(multipart, imageMaxBytes, multipartMaxBytes));
                raw = null;
                imagePart = null;
                return;
            }
            if (!multipart) {
                raw.appendBuffer(chunk);
            }
        }

        private void onUpload(HttpServerFileUpload upload) {
            if (!IMAGE_FIELD.equals(upload.name()) || imagePartSeen) {
                upload.handler(ignored -> {}); // other fields, and repeated 'image' fields, are dropped
                return;
            }
            imagePartSeen = true;
            imagePart = Buffer.buffer();
            upload.handler(chunk -> {
                if (done()) {
                    return;
                }
                if (imagePart.length() + (long) chunk.length() > imageMaxBytes) {
                    fail(ErrorCode.BODY_TOO_LARGE.exception(
                            "image is larger than the limit of " + imageMaxBytes + " bytes"));
                    imagePart = null;
                    return;
                }
                imagePart.appendBuffer(chunk);
            });
            upload.exceptionHandler(this::onRequestError);
            upload.endHandler(v -> {
                imagePartEnded = true;
                maybeFinish();
            });
        }

        private void onRequestError(Throwable error) {
            fail(ErrorCode.MALFORMED_REQUEST.exception(
                    "request body could not be read: " + RequestParams.clip(String.valueOf(error.getMessage()))));
        }

        private void maybeFinish() {
            if (done() || !requestEnded) {
                return;
            }
            if (!multipart) {
                if (raw.length() == 0) {
                    fail(ErrorCode.EMPTY_BODY.exception("the request body is empty: send the image bytes"));
                } else {
                    promise.tryComplete(raw.getBytes());
                }
                return;
            }
            if (!imagePartSeen) {
                boolean sentAsText = request.formAttributes().contains(IMAGE_FIELD);
                fail(ErrorCode.MISSING_IMAGE_FIELD.exception(
                        sentAsText
                                ? "multipart field 'image' must be a file part (curl -F image=@photo.jpg)"
                                : "multipart body has no 'image' file field (curl -F image=@photo.jpg)"));
                return;
            }
            if (!imagePartEnded) {
                return; // the part's end handler finishes
            }
            if (imagePart.length() == 0) {
                fail(ErrorCode.EMPTY_BODY.exception("the multipart 'image' field is empty"));
            } else {
                promise.tryComplete(imagePart.getBytes());
            }
        }

        private void fail(ApiException error) {
            promise.tryFail(error);
        }
    }
}
