package dev.surge.cli;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The largest heap occupancy seen right after a garbage collection: what a run keeps alive at its peak (its working
 * set), unlike the heap's size or the sum of the pools' peaks, which follow the collector's sizing. Reported by
 * {@code surge train} as {@code peak_heap_mb}.
 */
final class HeapWatch {
    private static final AtomicLong PEAK = new AtomicLong();
    private static final Set<String> HEAP_POOLS = new HashSet<>();
    private static boolean started;

    private HeapWatch() {
    }

    /** Starts listening to the collectors (once per JVM). */
    static synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                HEAP_POOLS.add(p.getName());
            }
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                e.addNotificationListener((n, handback) -> {
                    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                        return;
                    }
                    var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                    long used = 0;
                    for (var u : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                        if (HEAP_POOLS.contains(u.getKey())) {
                            used += u.getValue().getUsed();
                        }
                    }
                    PEAK.accumulateAndGet(used, Math::max);
                }, null, null);
            }
        }
    }

    /**
     * The peak in MiB since {@link #start}; when no collection has happened yet, the heap in use now (garbage
     * included, so an upper bound).
     */
    static double peakMb() {
        long p = PEAK.get();
        if (p == 0) {
            MemoryUsage u = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            p = u.getUsed();
        }
        return p / 1048576.0;
    }
}
