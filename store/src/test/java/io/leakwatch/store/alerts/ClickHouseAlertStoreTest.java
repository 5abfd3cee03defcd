package io.leakwatch.store.alerts;

import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import io.leakwatch.store.alerts.AlertStore.ChannelStatus;
import io.leakwatch.store.alerts.AlertStore.HistoryEntry;
import io.leakwatch.store.alerts.AlertStore.StoredRule;
import io.leakwatch.store.alerts.AlertStore.StoredSilence;
import io.leakwatch.store.alerts.AlertStore.StoredState;
import io.leakwatch.store.schema.Migrations;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The alert tables on the real embedded engine: what is written is what the next read returns. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClickHouseAlertStoreTest {
    /** Recent enough that the tables' TTLs keep what the tests write. */
    private static final Instant T0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).minusSeconds(7200);

    @TempDir
    static Path dir;
    Store store;
    AlertStore alerts;

    @BeforeAll
    void open() {
        store = Store.open(StoreConfig.embedded(dir, ChdbLibrary.locate()));
        alerts = new ClickHouseAlertStore(store.engine());
    }

    @AfterAll
    void close() {
        store.close();
    }

    @Test
    void migrationThreeIsApplied() {
        assertThat(Migrations.appliedVersions(store.engine())).contains(3);
    }

    @Test
    void rulesAreUpdatedDeletedAndSeededOnlyOnce() {
        alerts.putRule("r1", "{\"v\":1}", T0);
        alerts.putRule("r1", "{\"v\":2}", T0.plusSeconds(1));
        alerts.putRule("r2", "{\"v\":1}", T0);
        assertThat(alerts.rule("r1")).get().extracting(StoredRule::definition).isEqualTo("{\"v\":2}");
        assertThat(alerts.deleteRule("r2", T0.plusSeconds(2))).isTrue();
        assertThat(alerts.deleteRule("r2", T0.plusSeconds(3))).isFalse();
        assertThat(alerts.rule("r2")).isEmpty();

        List<String> seeded = alerts.seedRules(List.of(new StoredRule("r1", "{\"seed\":1}", T0),
                new StoredRule("r2", "{\"seed\":1}", T0), new StoredRule("r3", "{\"seed\":1}", T0)));
        assertThat(seeded).containsExactly("r3");
        assertThat(alerts.rules()).extracting(StoredRule::id).contains("r1", "r3").doesNotContain("r2");
        assertThat(alerts.rule("r1")).get().extracting(StoredRule::definition).isEqualTo("{\"v\":2}");
    }

    @Test
    void silencesEndingBeforeTheCutoffAreLeftOut() {
        alerts.putSilence(new StoredSilence("s1", "{}", T0, T0.plusSeconds(3600), T0));
        alerts.putSilence(new StoredSilence("s2", "{}", T0, T0.plusSeconds(60), T0));
        assertThat(alerts.silences(T0.plusSeconds(120), 10)).extracting(StoredSilence::id).containsExactly("s1");
        // expiring = a new version with an earlier end
        alerts.putSilence(new StoredSilence("s1", "{}", T0, T0.plusSeconds(100), T0.plusSeconds(100)));
        assertThat(alerts.silences(T0.plusSeconds(120), 10)).isEmpty();
        assertThat(alerts.silence("s1")).get().extracting(StoredSilence::endsAt).isEqualTo(T0.plusSeconds(100));
    }

    @Test
    void statesAreReplacedAndRemovedHistoryIsFiltered() {
        alerts.writeStates(List.of(new StoredState("k1", "r", "svc", "pending", "{\"a\":1}", T0),
                new StoredState("k2", "r", "svc", "firing", "{}", T0)), List.of(), T0);
        alerts.writeStates(List.of(new StoredState("k1", "r", "svc", "firing", "{\"a\":2}", T0)), List.of("k2"),
                T0.plusSeconds(60));
        assertThat(alerts.states()).singleElement().satisfies(s -> {
            assertThat(s.keyId()).isEqualTo("k1");
            assertThat(s.status()).isEqualTo("firing");
            assertThat(s.document()).isEqualTo("{\"a\":2}");
        });

        alerts.appendHistory(List.of(new HistoryEntry(T0, "k1", "r", "svc", "", "pending", "{}"),
                new HistoryEntry(T0.plusSeconds(60), "k1", "r", "svc", "pending", "firing", "{}")));
        assertThat(alerts.history(null, T0, T0.plusSeconds(3600), 10)).extracting(HistoryEntry::toStatus)
                .containsExactly("firing", "pending");
        assertThat(alerts.history("firing", T0, T0.plusSeconds(3600), 10)).hasSize(1);
        assertThat(alerts.history(null, T0.plusSeconds(61), T0.plusSeconds(3600), 10)).isEmpty();
    }

    @Test
    void aNotificationIsClaimedOnce() {
        assertThat(alerts.claimNotification("k", "firing", T0, "replica-a")).isTrue();
        assertThat(alerts.claimNotification("k", "firing", T0, "replica-b")).isFalse();
        assertThat(alerts.claimNotification("k", "firing", T0, "replica-a")).isFalse();
        assertThat(alerts.claimNotification("k", "resolved", T0, "replica-b")).isTrue();
    }

    @Test
    void channelsKeepTheirLastRecord() {
        alerts.putChannel(new ChannelStatus("ops", "slack", "https://hooks.example.com", null, T0));
        alerts.putChannel(new ChannelStatus("ops", "slack", "https://hooks.example.com", "{\"outcome\":\"DELIVERED\"}",
                T0.plusSeconds(1)));
        assertThat(alerts.channels()).singleElement().extracting(ChannelStatus::lastRecord)
                .isEqualTo("{\"outcome\":\"DELIVERED\"}");
    }

    @Test
    void leaseIsTakenOnlyWhenExpiredRenewedByItsHolderAndReleased() {
        Duration ttl = Duration.ofSeconds(60);
        assertThat(alerts.tryAcquireLease("eval", "a", T0, ttl)).isTrue();
        assertThat(alerts.tryAcquireLease("eval", "b", T0.plusSeconds(30), ttl)).isFalse();
        assertThat(alerts.tryAcquireLease("eval", "a", T0.plusSeconds(30), ttl)).isTrue();
        assertThat(alerts.tryAcquireLease("eval", "b", T0.plusSeconds(80), ttl)).isFalse();
        assertThat(alerts.tryAcquireLease("eval", "b", T0.plusSeconds(91), ttl)).isTrue();
        assertThat(alerts.lease("eval")).get().extracting(AlertStore.Lease::holder).isEqualTo("b");
        alerts.releaseLease("eval", "b", T0.plusSeconds(100));
        assertThat(alerts.tryAcquireLease("eval", "a", T0.plusSeconds(100), ttl)).isTrue();
    }
}
