package io.leakwatch.alerting.delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The recent deliveries of each channel, in memory and bounded: at most {@code perChannel} records per channel
 * (oldest dropped) and {@code maxChannels} channels (least recently written dropped). Thread-safe.
 */
public final class DeliveryLog {

    private final int perChannel;
    private final Map<String, Deque<DeliveryRecord>> byChannel;

    public DeliveryLog(int perChannel, int maxChannels) {
        if (perChannel < 1 || maxChannels < 1) {
            throw new IllegalArgumentException("bounds must be positive");
        }
        this.perChannel = perChannel;
        this.byChannel = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Deque<DeliveryRecord>> eldest) {
                return size() > maxChannels;
            }
        };
    }

    /** 20 records per channel, 1000 channels. */
    public DeliveryLog() {
        this(20, 1000);
    }

    public synchronized void add(DeliveryRecord r) {
        Deque<DeliveryRecord> q = byChannel.computeIfAbsent(r.channelId(), k -> new ArrayDeque<>());
        if (q.size() == perChannel) {
            q.removeFirst();
        }
        q.addLast(r);
    }

    /** The channel's latest delivery. */
    public synchronized Optional<DeliveryRecord> last(String channelId) {
        Deque<DeliveryRecord> q = byChannel.get(channelId);
        return q == null || q.isEmpty() ? Optional.empty() : Optional.of(q.peekLast());
    }

    /** The channel's recent deliveries, newest last. */
    public synchronized List<DeliveryRecord> recent(String channelId) {
        Deque<DeliveryRecord> q = byChannel.get(channelId);
        return q == null ? List.of() : List.copyOf(q);
    }

    /** The latest delivery of every channel. */
    public synchronized List<DeliveryRecord> lastPerChannel() {
        List<DeliveryRecord> out = new ArrayList<>();
        byChannel.values().forEach(q -> out.add(q.peekLast()));
        return out;
    }
}
