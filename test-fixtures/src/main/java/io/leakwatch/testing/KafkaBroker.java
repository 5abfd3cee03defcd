package io.leakwatch.testing;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A real Kafka broker for tests, one per test JVM. {@link #shared()} uses the broker named by the environment
 * variable {@value #BOOTSTRAP_ENV} when it is set (CI starts one with {@code scripts/kafka-local start}); otherwise
 * it starts a single-node KRaft broker (Kafka 4.4, broker and controller in one) in a child JVM on free loopback
 * ports, once, and stops it from a shutdown hook. The broker auto-creates topics with 3 partitions, but tests
 * should call {@link #createTopic} so that they do not race the broker's metadata.
 *
 * <p>Topics live as long as the broker: use a topic name unique to the test.
 */
public final class KafkaBroker {

    /** Environment variable naming an already running broker ({@code host:port[,host:port]}). */
    public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";
    /** System property with the same meaning as {@value #BOOTSTRAP_ENV}; it wins over the environment. */
    public static final String BOOTSTRAP_PROPERTY = "leakwatch.kafka.bootstrapServers";
    /** System property: seconds to wait for a self-started broker to be ready (default 60). */
    public static final String START_TIMEOUT_PROPERTY = "leakwatch.kafka.startTimeoutSeconds";

    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final int MAX_PARTITIONS = 1_000;
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

    private static KafkaBroker shared;
    private static RuntimeException startFailure;

    private final String bootstrapServers;
    private final KafkaBrokerProcess process; // null when the broker is someone else's
    private final Admin admin;

    private KafkaBroker(String bootstrapServers, KafkaBrokerProcess process) {
        this.bootstrapServers = bootstrapServers;
        this.process = process;
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
    }

    /**
     * The broker of this test JVM: the one named by {@value #BOOTSTRAP_PROPERTY} or {@value #BOOTSTRAP_ENV}, or else
     * one started now (the first call takes a few seconds) and stopped when the JVM exits.
     *
     * @throws IllegalStateException when a self-started broker fails or is not ready in time; the message holds
     *                               the end of its log
     */
    public static synchronized KafkaBroker shared() {
        if (startFailure != null) {
            // One slow failure per JVM is enough; the next test class should not wait out the timeout again.
            throw new IllegalStateException("the Kafka broker failed to start earlier in this JVM", startFailure);
        }
        if (shared == null) {
            String external = configuredBootstrapServers();
            KafkaBroker broker;
            if (external != null) {
                broker = new KafkaBroker(external, null);
            } else {
                KafkaBrokerProcess process;
                try {
                    process = KafkaBrokerProcess.start(startTimeout());
                } catch (RuntimeException e) {
                    startFailure = e;
                    throw e;
                }
                broker = new KafkaBroker(process.bootstrapServers(), process);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "leakwatch-kafka-stop"));
            shared = broker;
        }
        return shared;
    }

    /** {@code host:port} list for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Whether this JVM started the broker itself (false when it came from the environment). */
    public boolean selfStarted() {
        return process != null;
    }

    /**
     * Creates the topic with {@code partitions} partitions and replication factor 1, unless it exists, and returns
     * once every partition has a leader. Idempotent; an existing topic with another partition count is an error,
     * since a test would then silently see other ordering than it asked for.
     */
    public void createTopic(String name, int partitions) {
        if (name == null || !TOPIC_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("not a legal Kafka topic name: " + name);
        }
        if (partitions < 1 || partitions > MAX_PARTITIONS) {
            throw new IllegalArgumentException("partitions must be 1.." + MAX_PARTITIONS + ", got " + partitions);
        }
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all()
                    .get(TOPIC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name, e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("creating topic " + name + " took longer than " + TOPIC_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
        awaitLeaders(name, partitions);
    }

    /** Byte-array producer settings for this broker, {@code acks=all}; a fresh mutable map to add to. */
    public Map<String, Object> producerProps() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        return props;
    }

    /**
     * Byte-array consumer settings for this broker in group {@code groupId}, reading from the earliest offset with
     * auto-commit off; a fresh mutable map to add to.
     */
    public Map<String, Object> consumerProps(String groupId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return props;
    }

    /** A thread-safe admin client for this broker, owned by the fixture: do not close it. */
    public Admin admin() {
        return admin;
    }

    private void awaitLeaders(String name, int partitions) {
        long deadline = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
        while (true) {
            try {
                TopicDescription description = admin.describeTopics(Set.of(name)).allTopicNames()
                        .get(TOPIC_TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(name);
                int actual = description.partitions().size();
                if (actual != partitions) {
                    throw new IllegalStateException("topic " + name + " exists with " + actual
                            + " partitions, not the " + partitions + " asked for");
                }
                if (description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("cannot describe topic " + name, e.getCause());
                }
            } catch (TimeoutException e) {
                // Counted against the deadline below.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topic " + name, e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + name + " has no leader for every partition after "
                        + TOPIC_TIMEOUT.toSeconds() + " s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topic " + name, e);
            }
        }
    }

    private void close() {
        admin.close(Duration.ofSeconds(5));
        if (process != null) {
            process.stop(Duration.ofSeconds(20), true);
        }
    }

    private static String configuredBootstrapServers() {
        String fromProperty = System.getProperty(BOOTSTRAP_PROPERTY);
        if (fromProperty != null && !fromProperty.isBlank()) {
            return fromProperty.strip();
        }
        String fromEnv = System.getenv(BOOTSTRAP_ENV);
        return fromEnv == null || fromEnv.isBlank() ? null : fromEnv.strip();
    }

    private static Duration startTimeout() {
        String value = System.getProperty(START_TIMEOUT_PROPERTY, "60");
        try {
            long seconds = Long.parseLong(value.strip());
            if (seconds >= 1 && seconds <= 600) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException ignored) {
            // Falls through to the default, as with an out-of-range value.
        }
        System.err.println("LeakWatch: ignoring " + START_TIMEOUT_PROPERTY + "=" + value + " (want 1..600), using 60");
        return Duration.ofSeconds(60);
    }
}
