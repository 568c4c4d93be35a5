/** Training data: datasets of images and the seeded multi-crop batches built from them. */
package io.dinostream.trainer.data;
