package io.dinostream.embedder.hub;

import java.util.List;
import java.util.Locale;

/** The released DINOv2 repositories on the Hugging Face hub and the preset each one matches. */
public final class KnownModels {
    /** Repository name, preset, approximate size of {@code model.safetensors} (F32). */
    public record Entry(String repository, String preset, String approximateSize) {}

    private static final List<Entry> ENTRIES = List.of(
            new Entry("facebook/dinov2-small", "vits14", "88 MB"),
            new Entry("facebook/dinov2-base", "vitb14", "346 MB"),
            new Entry("facebook/dinov2-large", "vitl14", "1.2 GB"),
            new Entry("facebook/dinov2-giant", "vitg14", "4.5 GB"),
            new Entry("facebook/dinov2-with-registers-small", "vits14_reg4", "88 MB"),
            new Entry("facebook/dinov2-with-registers-base", "vitb14_reg4", "346 MB"),
            new Entry("facebook/dinov2-with-registers-large", "vitl14_reg4", "1.2 GB"),
            new Entry("facebook/dinov2-with-registers-giant", "vitg14_reg4", "4.5 GB"));

    private KnownModels() {}

    public static List<Entry> all() {
        return ENTRIES;
    }

    /**
     * The repository for {@code name}: a full name ({@code facebook/dinov2-small}) or its short form
     * ({@code dinov2-small}).
     *
     * @throws IllegalArgumentException naming the known repositories
     */
    public static Entry find(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        for (Entry entry : ENTRIES) {
            if (entry.repository().equals(wanted) || entry.repository().equals("facebook/" + wanted)) {
                return entry;
            }
        }
        throw new IllegalArgumentException("unknown model '" + name + "': expected one of "
                + ENTRIES.stream().map(Entry::repository).toList());
    }

    /** The local file name: the repository's name part, so that the model id says which model it is. */
    public static String fileName(Entry entry) {
        return entry.repository().substring(entry.repository().indexOf('/') + 1) + ".safetensors";
    }
}
