/**
 * The implementation behind {@link io.dinostream.api.ApiServer}: routes and handlers
 * ({@code ApiRoutes}), in-memory reading of raw and multipart image bodies ({@code ImageBodyReader}),
 * parameter validation ({@code RequestParams}), JSON shapes ({@code JsonViews}) and the error model
 * ({@link io.dinostream.api.internals.ErrorCode}, {@link io.dinostream.api.internals.ApiException}).
 * Callers use {@code ApiServer.create(...)}, never these classes.
 */
package io.dinostream.api.internals;
