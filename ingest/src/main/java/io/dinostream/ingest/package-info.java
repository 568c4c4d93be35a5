/**
 * Turning files, folders and datasets into image records on {@code dinostream.images.v1}. Everything is
 * validated before it is published (supported format by magic bytes, size limit, valid id), so a bad
 * file is reported to the caller at once instead of travelling through the pipeline.
 */
package io.dinostream.ingest;
