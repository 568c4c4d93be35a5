/**
 * Starting and stopping the roles (embedder, index, API) of one process in dependency order, and the
 * embedded broker when no external Kafka is configured.
 */
package io.dinostream.app.roles;
