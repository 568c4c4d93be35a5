/**
 * Who may call the API: API keys with roles ({@code ApiKeys}, {@code Role}), the configured access
 * ({@code ApiAccess}: keys, public reads, rate limit, timeout), and the per-caller {@code RateLimiter}.
 * The Vert.x handlers that apply them live in {@code io.dinostream.api.internals.AccessHandlers}.
 */
package io.dinostream.api.security;
