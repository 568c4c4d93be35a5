package io.dinostream.common.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Merges configuration from defaults, then an optional properties file ({@code --config FILE}), then
 * flags. A key {@code a.b.c} is set by the flag {@code --a-b-c VALUE} or {@code --a-b-c=VALUE}; aliases
 * (such as {@code --port} for {@code api.port}) are given by the caller.
 */
public final class ConfigSources {
    private ConfigSources() {}

    /** The result of parsing: the merged values and the arguments that were not configuration flags. */
    public record Parsed(Map<String, Object> values, List<String> remaining) {}

    /**
     * Splits {@code args} into configuration values and everything else.
     *
     * @param definition the keys that may be set
     * @param aliases extra flag names (without dashes) mapped to config keys
     * @throws ConfigException for an unreadable config file, an unknown key in it, or a flag without value
     */
    public static Parsed parse(ConfigDef definition, Map<String, String> aliases, List<String> args) {
        Map<String, String> flagToKey = new HashMap<>(aliases);
        for (String key : definition.names()) {
            flagToKey.put(flagName(key), key);
        }
        Map<String, Object> fromFlags = new HashMap<>();
        List<String> remaining = new ArrayList<>();
        Path configFile = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                remaining.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String inlineValue = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inlineValue = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            boolean isConfigFile = name.equals("config");
            String key = flagToKey.get(name);
            if (key == null && !isConfigFile) {
                remaining.add(arg);
                continue;
            }
            String value = inlineValue;
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new ConfigException("flag --" + name + " needs a value");
                }
                value = args.get(++i);
            }
            if (isConfigFile) {
                configFile = Path.of(value);
            } else {
                fromFlags.put(key, value);
            }
        }
        Map<String, Object> merged = new HashMap<>();
        if (configFile != null) {
            merged.putAll(readFile(definition, configFile));
        }
        merged.putAll(fromFlags);
        return new Parsed(merged, remaining);
    }

    /** The flag that sets {@code key}. */
    public static String flagName(String key) {
        return key.replace('.', '-');
    }

    private static Map<String, Object> readFile(ConfigDef definition, Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, Object> values = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (!definition.names().contains(name)) {
                throw new ConfigException("unknown key '" + name + "' in config file " + file);
            }
            values.put(name, properties.getProperty(name));
        }
        return values;
    }

    /** Help text for the given keys, generated from their definitions. */
    public static String help(ConfigDef definition, Iterable<String> keys) {
        StringBuilder help = new StringBuilder();
        for (String key : keys) {
            ConfigDef.ConfigKey configKey = definition.configKeys().get(key);
            if (configKey == null) {
                throw new IllegalArgumentException("undeclared config key " + key);
            }
            String defaultValue = configKey.hasDefault() ? String.valueOf(configKey.defaultValue) : "(required)";
            help.append(String.format(
                    "  --%-28s %s%n  %-30s (%s, default: %s)%n",
                    flagName(key),
                    configKey.documentation,
                    "",
                    configKey.type.name().toLowerCase(java.util.Locale.ROOT),
                    defaultValue.isEmpty() ? "\"\"" : defaultValue));
        }
        return help.toString();
    }
}
