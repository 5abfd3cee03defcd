package io.leakwatch.standalone;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Runs the annotated suite only where a Docker engine answers; elsewhere skips it and prints one line that
 * says so. Testcontainers is asked only when a socket or {@code DOCKER_HOST} exists, because its own probe
 * logs a page of errors on a machine without Docker.
 */
final class DockerEngineCondition implements ExecutionCondition {
    static final String SKIP_LINE = "leakwatch: Testcontainers suite skipped: no Docker engine reachable "
            + "(start Docker or set DOCKER_HOST to run it)";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isPresent()) {
            return ConditionEvaluationResult.enabled("decided for the class");
        }
        if (engineLikelyPresent() && DockerClientFactory.instance().isDockerAvailable()) {
            return ConditionEvaluationResult.enabled("Docker engine reachable");
        }
        System.out.println(SKIP_LINE);
        return ConditionEvaluationResult.disabled(SKIP_LINE);
    }

    private static boolean engineLikelyPresent() {
        String host = System.getenv("DOCKER_HOST");
        if (host != null && !host.isBlank()) {
            return true;
        }
        Path home = Path.of(System.getProperty("user.home", "/nonexistent"));
        return Files.exists(Path.of("/var/run/docker.sock"))
                || Files.exists(home.resolve(".docker/run/docker.sock"))
                || Files.exists(home.resolve(".testcontainers.properties"));
    }
}
