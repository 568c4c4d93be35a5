package io.dinostream.api;

import io.dinostream.api.security.ApiAccess;
import io.dinostream.common.config.DinostreamConfig;
import java.util.Objects;

/**
 * How the API server binds and how much it accepts. Immutable; the constructor validates and names the
 * bad value.
 *
 * @param host the address to bind ({@code 127.0.0.1} by default)
 * @param port the port to bind; 0 picks a free one ({@link ApiServer#start()} reports which)
 * @param workerThreads threads of the named pool {@value #WORKER_POOL_NAME} that runs model and index calls
 * @param imageMaxBytes the largest accepted encoded image: the limit of a raw body and of the {@code image}
 *     part of a multipart body
 */
public record ApiServerOptions(String host, int port, int workerThreads, int imageMaxBytes, ApiAccess access) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_WORKER_THREADS = 4;
    public static final int DEFAULT_IMAGE_MAX_BYTES = DinostreamConfig.DEFAULT_IMAGE_MAX_BYTES;

    /** Name of the worker pool; its threads are called {@code dinostream-api-worker-N}. */
    public static final String WORKER_POOL_NAME = "dinostream-api-worker";

    /**
     * Bytes a multipart body may carry beyond the image itself (boundaries, part headers, small form
     * fields such as a file name).
     */
    public static final int MULTIPART_OVERHEAD_BYTES = 64 * 1024;

    public ApiServerOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(access, "access");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if (workerThreads < 1) {
            throw new IllegalArgumentException("workerThreads must be at least 1, got " + workerThreads);
        }
        if (imageMaxBytes < 1) {
            throw new IllegalArgumentException("imageMaxBytes must be at least 1, got " + imageMaxBytes);
        }
    }

    /**
     * Options with {@link ApiAccess#UNRESTRICTED} access: no keys, no rate limit. For tests and trusted
     * embedding; servers built from configuration use {@link #fromConfig}, which is secure by default.
     */
    public ApiServerOptions(String host, int port, int workerThreads, int imageMaxBytes) {
        this(host, port, workerThreads, imageMaxBytes, ApiAccess.UNRESTRICTED);
    }

    /** The defaults: {@code 127.0.0.1:8080}, 4 worker threads, 10 MiB images, unrestricted access. */
    public static ApiServerOptions defaults() {
        return new ApiServerOptions(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_WORKER_THREADS, DEFAULT_IMAGE_MAX_BYTES);
    }

    /**
     * The options from {@code api.host}, {@code api.port}, {@code api.worker.threads} and {@code
     * image.max.bytes}, with the given access (from {@link ApiAccess#fromConfig}).
     */
    public static ApiServerOptions fromConfig(DinostreamConfig config, ApiAccess access) {
        return new ApiServerOptions(
                config.getString(DinostreamConfig.API_HOST),
                config.getInt(DinostreamConfig.API_PORT),
                config.getInt(DinostreamConfig.API_WORKER_THREADS),
                config.imageMaxBytes(),
                access);
    }

    public ApiServerOptions withPort(int newPort) {
        return new ApiServerOptions(host, newPort, workerThreads, imageMaxBytes, access);
    }

    /** The largest multipart request body: the image plus {@link #MULTIPART_OVERHEAD_BYTES}. */
    public long multipartMaxBytes() {
        return (long) imageMaxBytes + MULTIPART_OVERHEAD_BYTES;
    }
}
