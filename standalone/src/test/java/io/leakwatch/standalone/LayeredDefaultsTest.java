package io.leakwatch.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LayeredDefaultsTest {

    @TempDir
    Path dir;

    private StandaloneConfig parse(Map<String, String> env, String... args) {
        LeakWatchCli.StandaloneCommand command = new LeakWatchCli.StandaloneCommand();
        new CommandLine(command).setDefaultValueProvider(LayeredDefaults.from(args, env)).parseArgs(args);
        return command.options.toConfig();
    }

    @Test
    void flagWinsOverEnvWhichWinsOverFileWhichWinsOverDefault() throws IOException {
        Path file = dir.resolve("leakwatch.properties");
        Files.writeString(file, "http-port=7001\notlp-port=7002\nbind=0.0.0.0\n");
        Map<String, String> env = Map.of("LEAKWATCH_HTTP_PORT", "7101", "LEAKWATCH_OTLP_PORT", "7102");

        StandaloneConfig config = parse(env, "--config", file.toString(), "--http-port", "7201");

        assertThat(config.httpPort()).isEqualTo(7201);
        assertThat(config.otlpPort()).isEqualTo(7102);
        assertThat(config.bind()).isEqualTo("0.0.0.0");
        assertThat(config.kafkaGroupId()).isEqualTo("leakwatch-ingest");
        assertThat(config.dataDir()).isEqualTo(Path.of("data"));
    }

    @Test
    void configFileCanBeNamedByEnvironment() throws IOException {
        Path file = dir.resolve("other.properties");
        Files.writeString(file, "data-dir=/srv/leakwatch\n");

        StandaloneConfig config = parse(Map.of("LEAKWATCH_CONFIG", file.toString()));

        assertThat(config.dataDir()).isEqualTo(Path.of("/srv/leakwatch"));
    }

    @Test
    void passwordComesFromEnvironmentAndIsNeverPrinted() {
        StandaloneConfig config = parse(Map.of("LEAKWATCH_CLICKHOUSE_PASSWORD", "s3cret",
                "LEAKWATCH_CLICKHOUSE_URL", "http://127.0.0.1:8123"));

        assertThat(config.clickhousePassword()).isEqualTo("s3cret");
        assertThat(config.embedded()).isFalse();
        assertThat(config.toString()).doesNotContain("s3cret");
    }

    @Test
    void badPortIsAClearError() {
        assertThatThrownBy(() -> parse(Map.of(), "--http-port", "70000"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--http-port");
    }

    @Test
    void missingConfigFileIsAClearError() {
        assertThatThrownBy(() -> parse(Map.of(), "--config", dir.resolve("absent.properties").toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read config file");
    }

    @Test
    void helpListsSubcommandsAndOptions() {
        String usage = new CommandLine(new LeakWatchCli()).getUsageMessage();
        assertThat(usage).contains("standalone", "demo");
        String standaloneUsage = new CommandLine(new LeakWatchCli()).getSubcommands().get("standalone").getUsageMessage();
        assertThat(standaloneUsage).contains("--data-dir", "--http-port", "--otlp-port", "--kafka-bootstrap-servers",
                "--clickhouse-http-port");
    }
}
