package io.leakwatch.collector.config;

import java.util.Locale;
import java.util.Optional;

/** Where the collector sends its metrics: OTLP/HTTP to an ingest endpoint, or OTLP protobuf records on Kafka. */
public enum ExporterKind {
    OTLP,
    KAFKA;

    /** Parses {@code otlp} or {@code kafka} (any case); empty for anything else. */
    public static Optional<ExporterKind> parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "otlp", "otlp_http", "http" -> Optional.of(OTLP);
            case "kafka" -> Optional.of(KAFKA);
            default -> Optional.empty();
        };
    }
}
