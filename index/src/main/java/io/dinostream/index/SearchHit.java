package io.dinostream.index;

/**
 * One search result.
 *
 * @param id the image id
 * @param score inner product with the query (cosine similarity for normalised vectors)
 * @param metadataJson the image's metadata JSON object as ingested ({@code {}} when there was none)
 */
public record SearchHit(String id, float score, String metadataJson) {}
