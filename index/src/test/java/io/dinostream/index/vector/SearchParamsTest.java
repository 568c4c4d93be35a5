package io.dinostream.index.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SearchParamsTest {
    @Test
    void parsesEitherBothOrNone() {
        assertEquals(SearchParams.DEFAULTS, SearchParams.parse(""));
        assertEquals(new SearchParams(16, 0), SearchParams.parse("nprobe=16"));
        assertEquals(new SearchParams(8, 128), SearchParams.parse(" efSearch=128, nprobe=8"));
    }

    @Test
    void rejectsWhatItCannotRead() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SearchParams.parse("nprobe"))
                .getMessage()
                .contains("key=value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SearchParams.parse("ef=1"))
                .getMessage()
                .contains("unknown search parameter 'ef'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SearchParams.parse("nprobe=x"))
                .getMessage()
                .contains("needs an integer"));
        assertThrows(IllegalArgumentException.class, () -> SearchParams.parse("nprobe=-1"));
    }
}
