/**
 * The query API: {@link io.dinostream.api.ApiServer}, created with {@code ApiServer.create(...)} from a
 * {@code Vertx}, {@link io.dinostream.api.ApiServerOptions} (or the {@code DinostreamConfig}), an
 * {@code ImageEmbedder} and an {@code ImageIndexReader}. HTTP routes, bodies and error codes are documented
 * in {@code docs/api.md}.
 *
 * <p>Don't block the event loop: model and index calls run on the named worker pool
 * {@value io.dinostream.api.ApiServerOptions#WORKER_POOL_NAME}.
 */
package io.dinostream.api;
