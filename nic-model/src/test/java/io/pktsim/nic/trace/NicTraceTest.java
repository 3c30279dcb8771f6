package io.pktsim.nic.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.pktsim.core.event.EventLoop;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.trace.TraceBus;
import io.pktsim.core.trace.TraceEvent;
import io.pktsim.core.trace.TraceNames;
import io.pktsim.core.trace.TraceSink;
import io.pktsim.nic.port.NicPort;
import io.pktsim.nic.port.NicPortConfig;
import org.junit.jupiter.api.Test;

class NicTraceTest {

    @Test
    void shouldTraceLandingCoalescingTimerRaiseMaskAndRingFull() throws Exception {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        final TraceSink sink = new TraceSink() {
            @Override
            public String name() {
                return "list";
            }

            @Override
            public void onEvent(final TraceEvent e, final TraceNames n, final boolean endOfBatch) {
                final StringBuilder sb = new StringBuilder().append(e.timeNs()).append(' ')
                    .append(n.kindName(e.kind()));
                for (int i = 0; i < n.argCount(e.kind()); i++) {
                    sb.append(' ').append(n.argName(e.kind(), i)).append('=').append(e.arg(i));
                }
                lines.add(sb.toString());
            }

            @Override
            public void close() {
                // nothing
            }
        };
        final TraceNames names = new TraceNames();
        final TraceBus bus = TraceBus.start(names, 1024, sink);
        final EventLoop loop = new EventLoop();
        final PacketStore store = new PacketStore(64);
        final PacketBuilder pb = new PacketBuilder(store);
        final NicPort port = new NicPort("eth0", 1, NicPortConfig.mt7621Legacy().rxRingSlots(2), loop, store,
            new NicTrace(bus));
        port.irqLine(0).handler((line, now) -> port.rxQueue(0).irqDisable());
        final int recv = loop.register((t, p, now) -> port.receive((int) p, now), "rx");
        loop.schedule(1_000, recv, 0, pb.reset().build());
        loop.runUntil(200_000);
        loop.schedule(300_000, recv, 0, pb.reset().build());
        loop.schedule(300_001, recv, 0, pb.reset().build());
        loop.runUntil(500_000);
        bus.close();
        assertThat(lines).containsExactly(
            "1000 rx_ring_land queue=0 slot=0 occupancy=1 size=2",
            "1000 irq_held_coalescing queue=0 pending=1 frames_limit=4 delay_ns=80000",
            "81000 coalesce_timer queue=0 pending=1 delay_ns=80000",
            "81000 irq_raise line=0 queue=0 frames=1 by_timer=1",
            "300000 rx_ring_land queue=0 slot=1 occupancy=2 size=2",
            "300000 irq_held_coalescing queue=0 pending=1 frames_limit=4 delay_ns=80000",
            "300001 rx_ring_full queue=0 occupancy=2 size=2",
            "380000 coalesce_timer queue=0 pending=1 delay_ns=80000",
            "380000 irq_held_masked line=0 queue=0");
    }
}
