package io.dinostream.api.internals;

import io.dinostream.api.ApiServerOptions;
import io.dinostream.embedder.ImageDecodeException;
import io.dinostream.embedder.ImageTooLargeException;
import io.dinostream.embedder.image.ImageDecoder;
import io.dinostream.ingest.ImageSink;
import io.dinostream.ingest.ImageSubmission;
import io.dinostream.ingest.RejectedImageException;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write routes of the ingest role: {@code PUT /v1/images/{id}} publishes an image to Kafka and
 * {@code DELETE /v1/images/{id}} publishes its tombstone. They answer 202 only once the broker has
 * acknowledged the record (acks=all), so an accepted image survives a crash of this process; the index
 * catches up asynchronously.
 */
final class IngestRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(IngestRoutes.class);

    /** Optional JSON object of user metadata, stored with the image (e.g. {@code {"label":"shirt"}}). */
    static final String METADATA_HEADER = "X-Dinostream-Metadata";
    /** Optional free text saying where the image came from; default {@value #DEFAULT_SOURCE}. */
    static final String SOURCE_HEADER = "X-Dinostream-Source";

    static final String DEFAULT_SOURCE = "http";
    static final int MAX_METADATA_CHARS = 16 * 1024;
    static final int MAX_SOURCE_CHARS = 512;

    private final ApiServerOptions options;
    private final ImageSink sink;
    private final WorkerExecutor worker;
    private final OpenApiGate gate;
    private final ImageDecoder decoder = new ImageDecoder();

    IngestRoutes(ApiServerOptions options, ImageSink sink, WorkerExecutor worker, OpenApiGate gate) {
        this.options = options;
        this.sink = sink;
        this.worker = worker;
        this.gate = gate;
    }

    void put(RoutingContext ctx) {
        String id = RequestParams.imageId(ctx);
        String metadata = metadata(ctx);
        String source = source(ctx);
        gate.check(ctx, "putImage");
        ImageBodyReader.readImage(ctx.request(), options.imageMaxBytes(), options.multipartMaxBytes())
                .compose(image -> {
                    byte[] bytes = image.bytes();
                    ImageSubmission submission = new ImageSubmission(id, bytes, source, metadata);
                    return acknowledged(ctx, "publish of '" + id + "'", () -> {
                                refuseBombs(bytes);
                                return sink.publish(submission);
                            })
                            .map(v -> new JsonObject()
                                    .put("id", id)
                                    .put("status", "accepted")
                                    .put("format", image.format().name())
                                    .put("bytes", bytes.length));
                })
                .onSuccess(body -> ApiRoutes.sendJson(ctx, 202, body))
                .onFailure(ctx::fail);
    }

    void delete(RoutingContext ctx) {
        String id = RequestParams.imageId(ctx);
        gate.check(ctx, "deleteImage");
        acknowledged(ctx, "delete of '" + id + "'", () -> sink.delete(id))
                .onSuccess(v -> ApiRoutes.sendJson(
                        ctx, 202, new JsonObject().put("id", id).put("status", "delete accepted")))
                .onFailure(ctx::fail);
    }

    /**
     * Refuses, from the header alone, an image declaring more pixels than the embedder's decoder accepts:
     * it would only be dead-lettered later, after travelling through Kafka. Whether the rest of the image
     * decodes is the embedder's call (a failure there is dead-lettered with its reason), so a header that
     * cannot be read is let through here.
     */
    private void refuseBombs(byte[] image) {
        try {
            decoder.checkHeader(image);
        } catch (ImageTooLargeException tooLarge) {
            throw tooLarge;
        } catch (ImageDecodeException unreadable) {
            // judged by the embedder, which dead-letters it with the reason
        }
    }

    /** A send that may block (Kafka metadata), so it runs on the worker pool; completes on the broker's ack. */
    private Future<Void> acknowledged(RoutingContext ctx, String what, Send send) {
        return worker.executeBlocking(send::send, false)
                .compose(ack -> Future.fromCompletionStage(ack, ctx.vertx().getOrCreateContext()))
                .recover(error -> {
                    if (error instanceof RejectedImageException rejected) {
                        return Future.failedFuture(ErrorCode.REJECTED_IMAGE.exception(rejected.getMessage()));
                    }
                    if (error instanceof ApiException || error instanceof ImageTooLargeException) {
                        return Future.failedFuture(error);
                    }
                    LOG.warn("{} failed; answering 503", what, error);
                    return Future.failedFuture(
                            ErrorCode.INGEST_UNAVAILABLE.exception(what + " was not acknowledged by Kafka ("
                                    + error.getClass().getSimpleName() + "); nothing was accepted, retry later"));
                });
    }

    private static String metadata(RoutingContext ctx) {
        String raw = ctx.request().getHeader(METADATA_HEADER);
        if (raw == null || raw.isBlank()) {
            return "{}";
        }
        if (raw.length() > MAX_METADATA_CHARS) {
            throw ErrorCode.INVALID_METADATA.exception(
                    METADATA_HEADER + " is longer than " + MAX_METADATA_CHARS + " characters");
        }
        try {
            return new JsonObject(raw).encode();
        } catch (DecodeException | ClassCastException e) {
            throw ErrorCode.INVALID_METADATA.exception(
                    METADATA_HEADER + " must be a JSON object, got '" + RequestParams.clip(raw) + "'");
        }
    }

    private static String source(RoutingContext ctx) {
        String raw = ctx.request().getHeader(SOURCE_HEADER);
        if (raw == null || raw.isBlank()) {
            return DEFAULT_SOURCE;
        }
        if (raw.length() > MAX_SOURCE_CHARS) {
            throw ErrorCode.INVALID_METADATA.exception(
                    SOURCE_HEADER + " is longer than " + MAX_SOURCE_CHARS + " characters");
        }
        return raw;
    }

    @FunctionalInterface
    private interface Send {
        CompletableFuture<Void> send() throws RejectedImageException;
    }
}
