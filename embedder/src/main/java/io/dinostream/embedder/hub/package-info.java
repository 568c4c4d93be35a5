/**
 * Getting released weights: {@link io.dinostream.embedder.hub.HubDownloader} fetches a model's
 * safetensors from the Hugging Face hub (or any server that answers the same way) with resume, size and
 * SHA-256 verification; {@link io.dinostream.embedder.hub.KnownModels} names the DINOv2 repositories.
 */
package io.dinostream.embedder.hub;
