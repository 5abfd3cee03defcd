package io.leakwatch.standalone.deploy;

import io.leakwatch.collector.config.ConfigLoader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reads the checked-in deployment files (YAML 1.1 with merge keys, as docker-compose and kubectl read it). */
final class DeploymentFiles {
    private DeploymentFiles() {
    }

    /** The checkout's root: the directory above the working directory that holds docker-compose.yml. */
    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docker-compose.yml")) && Files.isDirectory(dir.resolve("k8s"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no docker-compose.yml and k8s/ above " + Path.of("").toAbsolutePath());
    }

    /** Every document of a YAML file, as maps; empty documents are skipped. */
    static List<Map<String, Object>> documents(Path file) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        List<Map<String, Object>> out = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file)) {
            for (Object document : yaml.loadAll(reader)) {
                if (document != null) {
                    out.add(map(document, file.toString()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static Map<String, Object> document(Path file) {
        List<Map<String, Object>> documents = documents(file);
        if (documents.size() != 1) {
            throw new IllegalStateException(file + " has " + documents.size() + " documents, expected 1");
        }
        return documents.getFirst();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value, String where) {
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalStateException(where + ": expected a mapping, got " + value);
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value, String where) {
        if (value instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new IllegalStateException(where + ": expected a list, got " + value);
    }

    /** A nested value by keys, or null when any step is missing. */
    static Object at(Map<String, Object> root, String... keys) {
        Object current = root;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return current;
    }

    /** The agent's environment variables: {@code ConfigLoader.KEYS} as {@code LEAKWATCH_} + upper snake case. */
    static Set<String> agentEnvironmentKeys() {
        Set<String> keys = new TreeSet<>();
        for (String key : ConfigLoader.KEYS) {
            keys.add("LEAKWATCH_" + key.toUpperCase(Locale.ROOT).replace('.', '_'));
        }
        return keys;
    }
}
