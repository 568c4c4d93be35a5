/**
 * The {@code dinostream} launcher: one binary that runs any role, or all of them in one JVM with an
 * in-process Kafka broker (the embedded default). {@link io.dinostream.app.Main} dispatches to the
 * subcommands in {@link io.dinostream.app.cli}; {@link io.dinostream.app.roles} starts and stops roles.
 */
package io.dinostream.app;
