package io.leakwatch.collector.export;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.security.plain.PlainLoginModule;

/**
 * Puts the configured Kafka security settings ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}) into a
 * producer's properties, for both of the collector's producers.
 *
 * <p>Inside the agent jar Kafka lives under a relocated package, so a class that a setting names the usual way,
 * such as {@code org.apache.kafka.common.security.plain.PlainLoginModule} in {@code sasl.jaas.config}, would not
 * load; every {@code org.apache.kafka.} in a value is rewritten to the package Kafka really has here (unchanged
 * when the collector runs unshaded, as in its own tests). Values are credentials: this class never logs them.
 */
public final class KafkaClientSecurity {
    /** Built at run time: as a constant, the jar's relocation would rewrite it like any class name. */
    static final String KAFKA_PACKAGE = String.join(".", "org", "apache", "kafka", "");

    private KafkaClientSecurity() {}

    /** Adds {@code settings} (keys without the {@code kafka.} prefix) to {@code producer}, relocating class names. */
    public static void apply(Properties producer, Map<String, String> settings) {
        settings.forEach((key, value) -> producer.put(key, relocated(value)));
    }

    /** {@code value} with every {@code org.apache.kafka.} turned into the package Kafka's classes have here. */
    public static String relocated(String value) {
        String here = kafkaPackage();
        if (here.equals(KAFKA_PACKAGE) || !value.contains(KAFKA_PACKAGE)) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 64);
        int from = 0;
        int at;
        while ((at = value.indexOf(KAFKA_PACKAGE, from)) >= 0) {
            boolean alreadyRelocated = at >= here.length() - KAFKA_PACKAGE.length()
                    && value.startsWith(here, at - (here.length() - KAFKA_PACKAGE.length()));
            out.append(value, from, at).append(alreadyRelocated ? KAFKA_PACKAGE : here);
            from = at + KAFKA_PACKAGE.length();
        }
        return out.append(value, from, value.length()).toString();
    }

    /** The package prefix of Kafka's classes as loaded with the collector, e.g. {@code org.apache.kafka.}. */
    static String kafkaPackage() {
        String name = PlainLoginModule.class.getName();
        return name.substring(0, name.length() - "common.security.plain.PlainLoginModule".length());
    }
}
