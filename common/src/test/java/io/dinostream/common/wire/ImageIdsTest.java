package io.dinostream.common.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ImageIdsTest {
    @Test
    void acceptsOrdinaryIds() {
        assertTrue(ImageIds.isValid("fashion-mnist:test:00042"));
        assertTrue(ImageIds.isValid("IMG_0001.jpg"));
        assertTrue(ImageIds.isValid("a".repeat(200)));
    }

    @Test
    void rejectsPathAndInjectionCharacters() {
        for (String bad : new String[] {"", "../etc/passwd", "a/b", ".hidden", "a b", "x'; drop", "<script>", "a%2F"}) {
            assertFalse(ImageIds.isValid(bad), bad);
        }
        assertFalse(ImageIds.isValid("a".repeat(201)));
        assertFalse(ImageIds.isValid(null));
        assertThrows(IllegalArgumentException.class, () -> ImageIds.requireValid("a/b"));
    }

    @Test
    void sanitizedNamesAreValid() {
        assertEquals("photos_cat_1.png", ImageIds.sanitize("photos/cat 1.png"));
        assertEquals("hidden", ImageIds.sanitize("..hidden"));
        assertTrue(ImageIds.isValid(ImageIds.sanitize("x".repeat(500) + "/y")));
        assertTrue(ImageIds.isValid(ImageIds.sanitize("...")));
    }
}
