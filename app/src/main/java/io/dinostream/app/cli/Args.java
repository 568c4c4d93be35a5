package io.dinostream.app.cli;

import io.dinostream.common.config.ConfigSources;
import io.dinostream.common.config.DinostreamConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A command's arguments after the configuration flags were taken out: its own options ({@code --limit
 * N}, {@code --smoke}) and positional arguments. Unknown options are usage errors.
 */
final class Args {
    /** Short aliases accepted by every command. */
    static final Map<String, String> CONFIG_ALIASES = Map.of("port", DinostreamConfig.API_PORT);

    final DinostreamConfig config;
    private final Map<String, String> options = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Args(DinostreamConfig config) {
        this.config = config;
    }

    /**
     * Parses {@code args}.
     *
     * @param valueOptions own options that take a value (without dashes)
     * @param flagOptions own options that take none
     * @param defaults configuration defaults of this command that differ from the global ones
     */
    static Args parse(
            List<String> args, List<String> valueOptions, List<String> flagOptions, Map<String, Object> defaults) {
        ConfigSources.Parsed parsed = ConfigSources.parse(DinostreamConfig.DEFINITION, CONFIG_ALIASES, args);
        Map<String, Object> values = new HashMap<>(defaults);
        values.putAll(parsed.values());
        Args result = new Args(new DinostreamConfig(values));
        List<String> rest = parsed.remaining();
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            if (!arg.startsWith("--")) {
                result.positional.add(arg);
                continue;
            }
            String name = arg.substring(2);
            if (flagOptions.contains(name)) {
                result.options.put(name, "true");
            } else if (valueOptions.contains(name)) {
                if (i + 1 >= rest.size()) {
                    throw new UsageException("option --" + name + " needs a value");
                }
                result.options.put(name, rest.get(++i));
            } else {
                throw new UsageException("unknown option " + arg);
            }
        }
        return result;
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    int intOption(String name, int defaultValue, int min, int max) {
        String value = options.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                throw new UsageException("--" + name + " must be between " + min + " and " + max + ", got " + value);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be an integer, got '" + value + "'");
        }
    }

    double doubleOption(String name, double defaultValue, double min, double max) {
        String value = options.get(name);
        if (value == null) {
            return defaultValue;
        }
        double parsed;
        try {
            parsed = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, got '" + value + "'");
        }
        if (!(parsed >= min && parsed <= max)) {
            throw new UsageException("--" + name + " must be between " + min + " and " + max + ", got " + value);
        }
        return parsed;
    }

    String option(String name, String defaultValue) {
        return options.getOrDefault(name, defaultValue);
    }

    List<String> positional() {
        return positional;
    }

    /** The single positional argument, or a usage error naming {@code what}. */
    String onePositional(String what) {
        if (positional.size() != 1) {
            throw new UsageException("expected exactly one " + what + ", got " + positional);
        }
        return positional.get(0);
    }

    void requireNoPositional() {
        if (!positional.isEmpty()) {
            throw new UsageException("unexpected arguments " + positional);
        }
    }

    void requireBootstrapServers() {
        if (config.bootstrapServers().isBlank()) {
            throw new UsageException(
                    "needs --bootstrap-servers HOST:PORT (start a local broker with 'dinostream broker')");
        }
    }
}
