/**
 * The Kafka wire formats, version 1. Every topic name carries its version; every header name is declared
 * once here. docs/wire-formats.md documents each field; changing a layout means a new version, never an
 * in-place edit.
 */
package io.dinostream.common.wire;
