/**
 * The model registry as the launcher uses it: turning a weights file into a registered version (shared by
 * {@code dinostream model register} and {@code POST /v1/models}), and the Kafka-backed
 * {@link io.dinostream.api.ModelAdmin} the API's admin routes call.
 */
package io.dinostream.app.registry;
