/**
 * The JavaCPP preset ({@link io.dinostream.index.faiss.presets.FaissPresets}) from which the FAISS
 * binding is generated at build time. Compiled before the rest of the module so that the parser can run.
 */
package io.dinostream.index.faiss.presets;
