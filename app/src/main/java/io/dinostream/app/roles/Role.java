package io.dinostream.app.roles;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The roles one process can run: {@code ingest} accepts images over HTTP ({@code PUT /v1/images/{id}})
 * and publishes them to Kafka; {@code embedder} turns images into vectors; {@code index} keeps the
 * searchable index; {@code api} serves search and the web page.
 */
public enum Role {
    INGEST,
    EMBEDDER,
    INDEX,
    API;

    /**
     * Parses a comma-separated list such as {@code ingest,embedder,index,api}. The API serves searches from the
     * index of its own process (scatter-gather across processes comes with the streaming issue), so
     * {@code api} requires {@code index}.
     *
     * @throws IllegalArgumentException naming the unknown role or the missing dependency
     */
    public static Set<Role> parseList(String list) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String name : list.split(",")) {
            String trimmed = name.trim();
            try {
                roles.add(Role.valueOf(trimmed.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "unknown role '" + trimmed + "': expected a list of ingest, embedder, index, api");
            }
        }
        if (roles.contains(API) && !roles.contains(INDEX)) {
            throw new IllegalArgumentException(
                    "role api needs role index in the same process for now (it searches the local index)");
        }
        return roles;
    }
}
