/**
 * The typed configuration, declared once in {@link io.dinostream.common.config.DinostreamConfig} with
 * Kafka's {@code ConfigDef}: every key has a type, default, validator and documentation, and
 * {@code --help} and docs are generated from it. Values come from defaults, then a properties file, then
 * command-line flags ({@link io.dinostream.common.config.ConfigSources}).
 */
package io.dinostream.common.config;
