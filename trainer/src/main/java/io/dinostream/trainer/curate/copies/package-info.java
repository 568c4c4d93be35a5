/**
 * Copy detection on pixels: small grayscale thumbnails, a blurred descriptor that finds candidate copies
 * with FAISS (over flipped and cropped views of the query), and a full-thumbnail normalised
 * cross-correlation that verifies each candidate. Catches what an embedding misses: cropped copies.
 */
package io.dinostream.trainer.curate.copies;
