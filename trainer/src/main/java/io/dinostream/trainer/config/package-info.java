/** The resolved configuration of a training run, its presets and its JSON form. */
package io.dinostream.trainer.config;
