package io.dinostream.app.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class RoleTest {
    @Test
    void parsesEveryRoleWithSpacesAndAnyCase() {
        assertEquals(EnumSet.allOf(Role.class), Role.parseList("ingest, Embedder,INDEX ,api"));
        assertEquals(EnumSet.of(Role.INGEST), Role.parseList("ingest"));
        assertEquals(EnumSet.of(Role.EMBEDDER), Role.parseList("embedder"));
    }

    @Test
    void unknownRolesAndAnApiWithoutItsIndexAreRefusedWithTheReason() {
        var unknown = assertThrows(IllegalArgumentException.class, () -> Role.parseList("embedder,indexer"));
        assertTrue(unknown.getMessage().contains("unknown role 'indexer'"), unknown.getMessage());
        var api = assertThrows(IllegalArgumentException.class, () -> Role.parseList("ingest,api"));
        assertTrue(api.getMessage().contains("needs role index"), api.getMessage());
    }
}
