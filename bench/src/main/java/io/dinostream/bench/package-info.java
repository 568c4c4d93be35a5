/**
 * Benchmarks ({@code dinostream bench ...}), each reported as a ratio against a reference measured in the
 * same run. Empty until the first benchmark lands with the DINOv2 issue.
 */
package io.dinostream.bench;
