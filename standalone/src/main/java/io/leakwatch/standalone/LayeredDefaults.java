package io.leakwatch.standalone;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Settings in layers: a flag given on the command line wins (picocli); otherwise the environment
 * ({@code --http-port} reads {@code LEAKWATCH_HTTP_PORT}); otherwise the config file (a properties
 * file, key {@code http-port}); otherwise the option's own default.
 */
final class LayeredDefaults implements IDefaultValueProvider {
    private final Map<String, String> env;
    private final Properties file;

    LayeredDefaults(Map<String, String> env, Properties file) {
        this.env = env;
        this.file = file;
    }

    /** Reads the config file named by {@code --config} or {@code LEAKWATCH_CONFIG}, if any. */
    static LayeredDefaults from(String[] args, Map<String, String> env) {
        String configPath = env.get("LEAKWATCH_CONFIG");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                configPath = args[i + 1];
            } else if (args[i].startsWith("--config=")) {
                configPath = args[i].substring("--config=".length());
            }
        }
        Properties properties = new Properties();
        if (configPath != null && !configPath.isBlank()) {
            try (Reader reader = Files.newBufferedReader(Path.of(configPath))) {
                properties.load(reader);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read config file " + configPath + ": " + e.getMessage(), e);
            }
        }
        return new LayeredDefaults(env, properties);
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec option) || option.longestName().equals("--config")) {
            return null;
        }
        String key = option.longestName().replaceFirst("^--", "");
        String fromEnv = env.get(envName(key));
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        String fromFile = file.getProperty(key);
        return fromFile == null ? null : fromFile.trim();
    }

    static String envName(String key) {
        return "LEAKWATCH_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
