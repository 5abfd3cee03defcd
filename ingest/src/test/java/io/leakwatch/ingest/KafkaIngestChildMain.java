package io.leakwatch.ingest;

import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The Kafka metrics consumer in a process of its own, writing into the embedded store, so a test can kill it
 * with SIGKILL mid-stream. Prints {@value #READY} once the store is open and the consumer started; stops
 * cleanly (consumer closed, store closed) when a line {@value #STOP} or end of input arrives on stdin.
 *
 * <p>Arguments: {@code bootstrapServers topic dlqTopic groupId dataDir maxPollRecords}.
 */
public final class KafkaIngestChildMain {
    static final String READY = "ingest-child-ready";
    static final String STOP = "stop";

    private KafkaIngestChildMain() {
    }

    public static void main(String[] args) throws Exception {
        IngestConfig.KafkaConfig config = IngestConfig.KafkaConfig.of(args[0])
                .withTopics(args[1], args[2], args[3])
                // A short session: the group forgets a killed member in seconds, not the default 45 s.
                .withClientProperties(Map.of("max.poll.records", args[5], "session.timeout.ms", "6000",
                        "heartbeat.interval.ms", "1000"))
                // Batches as small as a poll: many inserts, so a kill lands between them or inside one.
                .withBatching(Integer.parseInt(args[5]), Duration.ZERO);
        try (Store store = Store.open(StoreConfig.embedded(Path.of(args[4]), ChdbLibrary.locate()));
             KafkaMetricsConsumer consumer = KafkaMetricsConsumer.start(config,
                     new OtlpMetricsDecoder(DecodeLimits.defaults()), store.writer())) {
            System.out.println(READY);
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.strip().equals(STOP)) {
                // waiting for the parent's word
            }
            System.out.println("stopping after " + consumer.rowsWritten() + " rows");
        }
    }
}
