package dev.ebpf4j.internal.sys;

import dev.ebpf4j.ClosedException;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

/** Epoll needs no privileges: exercised with eventfds as the watched descriptors. */
class EpollTest {

    private static Fd eventfd() {
        int fd = Libc.eventfd(0, 0x80000 | 0x800);
        assertTrue(fd >= 0);
        return Fd.adopt(fd, "test eventfd");
    }

    private static void signal(Fd fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(8);
            one.set(JAVA_LONG, 0, 1);
            assertEquals(8, Libc.write(fd.get(), one, 8));
        }
    }

    @Test
    void reportsReadyDescriptorsWithTheirData() {
        try (Epoll epoll = Epoll.create("test", 4); Fd a = eventfd(); Fd b = eventfd()) {
            epoll.add(a.get(), Epoll.IN, 10);
            epoll.add(b.get(), Epoll.IN, 20);
            assertEquals(0, epoll.await(0), "nothing ready yet");
            signal(b);
            assertEquals(1, epoll.await(1000));
            assertEquals(20, epoll.data(0));
            assertEquals(Epoll.IN, epoll.events(0) & Epoll.IN);
            assertFalse(epoll.wasWoken());
            signal(a);
            assertEquals(2, epoll.await(1000), "level-triggered: b is still readable");
            assertEquals(30, epoll.data(0) + epoll.data(1));
            epoll.remove(b.get());
            assertEquals(1, epoll.await(0));
            assertEquals(10, epoll.data(0));
        }
    }

    @Test
    void wakeFromAnotherThreadEndsAWaitWithoutReportingADescriptor() throws Exception {
        try (Epoll epoll = Epoll.create("test", 1)) {
            CompletableFuture<int[]> waiter = CompletableFuture.supplyAsync(() -> {
                int n = epoll.await(-1);
                return new int[] {n, epoll.wasWoken() ? 1 : 0};
            });
            Thread.sleep(50);
            epoll.wake();
            int[] r = waiter.get(10, TimeUnit.SECONDS);
            assertEquals(0, r[0]);
            assertEquals(1, r[1]);
            assertEquals(0, epoll.await(0), "the wake-up was drained");
            assertFalse(epoll.wasWoken());
        }
    }

    @Test
    void closedEpollRefusesUseAndIgnoresWakeUps() {
        Epoll epoll = Epoll.create("test", 1);
        epoll.close();
        assertTrue(epoll.isClosed());
        epoll.wake();
        assertThrows(ClosedException.class, () -> epoll.add(0, Epoll.IN, 1));
        epoll.close();
    }
}
