package io.pktsim.nic.port;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.pktsim.core.event.EventLoop;
import io.pktsim.core.packet.ChecksumState;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.test.AllocationMeter;
import io.pktsim.nic.link.Link;
import io.pktsim.nic.link.LinkDirection;
import io.pktsim.nic.ring.RxFrameHandler;
import io.pktsim.nic.trace.NicTrace;
import org.junit.jupiter.api.Test;

class NicPortTest {

    private final EventLoop loop = new EventLoop();
    private final PacketStore store = new PacketStore(4096);
    private final PacketBuilder pb = new PacketBuilder(store);

    /** A 1500-byte IP packet: a 1514-byte frame. */
    private int frame(final int sport) {
        return pb.reset().tcp(sport, 80, 1, 1, 0x10).payload(1500 - 40).build();
    }

    private final RxFrameHandler freeIt = (p, t, s) -> store.free(p);

    @Test
    void shouldTake6667InterruptsPerSecondWithoutCoalescingAt80MbpsOf1500ByteFrames() {
        // T10: 80e6 / (8 x 1500) = 6,666.7 frames/s on a 100 Mbit/s NIC, one interrupt per frame
        final NicPort port = new NicPort("eth0", 1, NicPortConfig.mt7621Legacy().noCoalescing()
            .link(Link.FAST_ETHERNET_BPS, 0), loop, store, NicTrace.disabled());
        final RxQueue q = port.rxQueue(0);
        final long[] irqs = {0};
        port.irqLine(0).handler((line, now) -> {
            irqs[0]++;
            q.poll(64, freeIt);
        });
        final LinkDirection sender = new LinkDirection("peer>eth0", Link.FAST_ETHERNET_BPS, 0);
        final int recv = loop.register((target, packet, now) -> port.receive((int) packet, now), "rx");
        final long spacingNs = 1_000_000_000L * 8 * 1500 / 80_000_000;
        assertThat(spacingNs).isEqualTo(150_000);
        final int[] sent = {0};
        final int send = loop.register((target, arg, now) -> {
            final int p = frame(1);
            loop.schedule(sender.transmit(now, store.length(p)), recv, 0, p);
            sent[0]++;
        }, "send");
        for (long t = 0; t < 1_000_000_000L; t += spacingNs) {
            loop.schedule(t, send, 0, 0);
        }
        loop.runUntil(2_000_000_000L);
        assertThat(sent[0]).isEqualTo(6667);
        assertThat(irqs[0]).isEqualTo(6667);
        assertThat(port.irqLine(0).raisedCount()).isEqualTo(6667);
        assertThat(port.counters().get(PortCounter.RX_PACKETS)).isEqualTo(6667);
        assertThat(port.counters().get(PortCounter.RX_BYTES)).isEqualTo(6667L * 1514);
        assertThat(store.inUse()).isZero();
    }

    @Test
    void shouldDefaultToTheMt7621DriverConstants() {
        final NicPortConfig legacy = NicPortConfig.mt7621Legacy();
        assertThat(legacy.rxRingSlots()).isEqualTo(256);
        assertThat(legacy.txRingSlots()).isEqualTo(2048);
        assertThat(legacy.rxFrames()).isEqualTo(4);
        assertThat(legacy.rxUsecs()).isEqualTo(80);
        assertThat(legacy.coalescingUnitNs()).isEqualTo(20_000);
        assertThat(legacy.sharedIrq()).isTrue();
        assertThat(legacy.adaptiveRx()).isFalse();
        final NicPortConfig current = NicPortConfig.mt7621();
        assertThat(current.rxRingSlots()).isEqualTo(512);
        assertThat(current.adaptiveRx()).isTrue();
        final NicPort port = new NicPort("eth0", 1, current, loop, store, NicTrace.disabled());
        assertThat(port.rxQueue(0).coalescing().rxUsecs()).as("rx_dim is zeroed: profile 0, 1 us").isEqualTo(1);
        assertThat(port.rxQueue(0).coalescing().delayNs()).isEqualTo(20_000);
        assertThat(port.rxQueue(0).coalescing().frameLimit()).as("256 capped by PINT mask").isEqualTo(127);
    }

    @Test
    void shouldLetDimRetuneTheCoalescingUnderLoad() {
        final NicPort port = new NicPort("eth0", 1, NicPortConfig.mt7621(), loop, store, NicTrace.disabled());
        final RxQueue q = port.rxQueue(0);
        // mtk_eth_soc's rx_dim is zeroed: profile 0 (1 us, 256 packets), parked, until traffic comes
        assertThat(q.dim().profileIx()).isZero();
        assertThat(q.dim().parked()).isTrue();
        port.irqLine(0).handler((line, now) -> q.poll(64, freeIt));
        final int recv = loop.register((target, arg, now) -> port.receive(frame(1), now), "rx");
        for (long t = 0; t < 200_000_000L; t += 12_304) {
            loop.schedule(t, recv, 0, 0);
        }
        loop.runUntil(300_000_000L);
        assertThat(q.dim().decisions()).isPositive();
        assertThat(port.counters().get(PortCounter.RX_DIM_CHANGES)).isEqualTo(q.dim().changes()).isPositive();
        assertThat(q.coalescing().rxUsecs()).isEqualTo(q.dim().usec());
        assertThat(port.counters().get(PortCounter.RX_PACKETS) + q.ring().occupancy())
            .isEqualTo(port.counters().get(PortCounter.RX_FRAMES_IN));
    }

    @Test
    void shouldDropAndCountWhenTheRingIsFull() {
        final NicPort port = new NicPort("eth0", 1, NicPortConfig.mt7621Legacy().rxRingSlots(16), loop, store,
            NicTrace.disabled());
        for (int i = 0; i < 40; i++) {
            port.receive(frame(i), i * 1000L);
        }
        assertThat(port.counters().get(PortCounter.RX_FRAMES_IN)).isEqualTo(40);
        assertThat(port.counters().get(PortCounter.RX_FIFO_ERRORS)).isEqualTo(24);
        assertThat(port.rxQueue(0).drops()).isEqualTo(24);
        assertThat(port.rxQueue(0).ring().occupancy()).isEqualTo(16);
        assertThat(store.inUse()).as("dropped frames are freed").isEqualTo(16);
        assertThat(port.rxQueue(0).poll(64, freeIt)).isEqualTo(16);
        assertThat(port.counters().get(PortCounter.RX_PACKETS)).isEqualTo(16);
    }

    @Test
    void shouldHoldTheInterruptWhileNapiRunsAndRaiseItOnEnable() {
        final NicPort port = new NicPort("eth0", 1, NicPortConfig.mt7621Legacy(), loop, store, NicTrace.disabled());
        final RxQueue q = port.rxQueue(0);
        final List<Long> irqs = new ArrayList<>();
        port.irqLine(0).handler((line, now) -> {
            irqs.add(now);
            q.irqDisable();
        });
        for (int i = 0; i < 4; i++) {
            port.receive(frame(i), 1000L * i);
        }
        assertThat(irqs).containsExactly(3000L);
        assertThat(q.irqEnabled()).isFalse();
        // NAPI polls 4; meanwhile 4 more frames assert the (disabled) source
        assertThat(q.poll(64, freeIt)).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            port.receive(frame(i), 10_000L + i);
        }
        assertThat(q.irqAsserted()).isTrue();
        assertThat(port.counters().get(PortCounter.RX_IRQ_HELD)).isEqualTo(1);
        assertThat(irqs).hasSize(1);
        q.irqEnable(20_000);
        assertThat(irqs).containsExactly(3000L, 20_000L);
        assertThat(q.hasWork()).isTrue();
        // a poll acknowledges the status: enabling again raises nothing
        q.poll(64, freeIt);
        assertThat(q.irqAsserted()).isFalse();
        q.irqEnable(30_000);
        assertThat(irqs).hasSize(2);
    }

    @Test
    void shouldFireTheCoalescingTimerAfter80Us() {
        final NicPort port = new NicPort("eth0", 1, NicPortConfig.mt7621Legacy(), loop, store, NicTrace.disabled());
        final List<Long> irqs = new ArrayList<>();
        port.irqLine(0).handler((line, now) -> irqs.add(now));
        final int recv = loop.register((target, packet, now) -> port.receive((int) packet, now), "rx");
        loop.schedule(5_000, recv, 0, frame(1));
        loop.schedule(7_000, recv, 0, frame(2));
        loop.runUntil(1_000_000);
        assertThat(irqs).containsExactly(85_000L);
        assertThat(port.rxQueue(0).coalescing().timerInterrupts()).isEqualTo(1);
    }

    @Test
    void shouldSpreadFlowsOverQueuesWithOneLineEach() {
        final NicPort port = new NicPort("eth1", 2, NicPortConfig.mt7621Legacy().rxQueues(4).sharedIrq(false)
            .noCoalescing().irqBase(40), loop, store, NicTrace.disabled());
        assertThat(port.irqLineCount()).isEqualTo(4);
        final int[] perLine = new int[4];
        for (int i = 0; i < 4; i++) {
            assertThat(port.rxQueue(i).irq().id()).isEqualTo(40 + i);
            port.irqLine(i).handler((line, now) -> perLine[line - 40]++);
        }
        for (int i = 0; i < 400; i++) {
            port.receive(frame(10_000 + i), i);
        }
        int total = 0;
        for (int i = 0; i < 4; i++) {
            final RxQueue q = port.rxQueue(i);
            assertThat(perLine[i]).isEqualTo(q.ring().occupancy());
            assertThat(q.ring().occupancy()).as("queue " + i).isBetween(50, 150);
            total += q.ring().occupancy();
        }
        assertThat(total).isEqualTo(400);
        final int[] check = {0};
        port.rxQueue(2).poll(1, (p, t, s) -> {
            assertThat(store.queueMapping(p)).isEqualTo(2);
            assertThat(store.ingressDevice(p)).isEqualTo(2);
            assertThat(store.hashType(p)).isEqualTo(PacketStore.HASH_L4);
            assertThat(port.rss().indirection().queueOf(store.hash(p))).isEqualTo(2);
            assertThat(store.checksumState(p)).isEqualTo(ChecksumState.UNNECESSARY);
            check[0]++;
        });
        assertThat(check[0]).isEqualTo(1);
    }

    @Test
    void shouldShareOneLineOnTheMt7621() {
        final NicPort port = new NicPort("eth0", 1, NicPortConfig.mt7621Legacy().rxQueues(2), loop, store,
            NicTrace.disabled());
        assertThat(port.irqLineCount()).isEqualTo(1);
        assertThat(port.rxQueue(1).irq()).isSameAs(port.rxQueue(0).irq());
        assertThat(port.txIrqLine()).isSameAs(port.irqLine(0));
    }

    @Test
    void shouldLeaveChecksumUnverifiedWhenRxChecksumIsOff() {
        final NicPortConfig c = NicPortConfig.mt7621Legacy();
        c.features().rxChecksum(false);
        final NicPort port = new NicPort("eth0", 1, c, loop, store, NicTrace.disabled());
        port.receive(frame(1), 0);
        final int bad = frame(2);
        store.setFlag(bad, PacketStore.FLAG_CSUM_BAD);
        port.receive(bad, 1);
        port.rxQueue(0).poll(64, (p, t, s) -> assertThat(store.checksumState(p)).isEqualTo(ChecksumState.NONE));
        assertThat(port.counters().get(PortCounter.RX_CSUM_UNNECESSARY)).isZero();
    }

    @Test
    void shouldKeepFramesInOrderThroughDma() {
        final NicPort port = new NicPort("eth0", 1, NicPortConfig.mt7621Legacy().noCoalescing().dma(100, 1000),
            loop, store, NicTrace.disabled());
        final int big = frame(1);
        final int small = pb.reset().tcp(2, 80, 1, 1, 0x10).build();
        port.receive(big, 0);
        port.receive(small, 10);
        assertThat(port.rxQueue(0).hasWork()).isFalse();
        loop.runUntil(1_000_000);
        final List<long[]> got = new ArrayList<>();
        port.rxQueue(0).poll(64, (p, t, s) -> got.add(new long[] {p, t}));
        assertThat(got).hasSize(2);
        assertThat(got.get(0)).containsExactly(big, 100 + 1514);
        assertThat(got.get(1)).as("the small frame waits for the big one").containsExactly(small, 100 + 1514);
    }

    @Test
    void shouldTransmitThroughTheRingAndTheLinkAndCompleteWhenTheFrameHasLeft() {
        final NicPort port = new NicPort("eth0", 1, NicPortConfig.mt7621Legacy().link(Link.FAST_ETHERNET_BPS, 500)
            .txRingSlots(32).txThresholds(19, 19), loop, store, NicTrace.disabled());
        final List<long[]> wire = new ArrayList<>();
        port.txSink((p, arrival) -> wire.add(new long[] {p, arrival}));
        int sent = 0;
        while (port.transmit(frame(sent), 0)) {
            sent++;
        }
        assertThat(sent).isEqualTo(14);
        assertThat(port.counters().get(PortCounter.TX_BUSY)).isEqualTo(1);
        assertThat(wire.get(0)[1]).isEqualTo(122_080 + 500);
        assertThat(wire.get(1)[1]).isEqualTo(123_040 + 122_080 + 500);
        loop.runUntil(122_080);
        assertThat(port.txRing().freeSlots()).isEqualTo(19);
        assertThat(port.txStopped()).isFalse();
        assertThat(port.txRing().counters().get(io.pktsim.nic.ring.TxCounter.QUEUE_WOKEN)).isEqualTo(1);
        loop.runUntil(10_000_000);
        assertThat(port.counters().get(PortCounter.TX_COMPLETED)).isEqualTo(14);
        assertThat(port.counters().get(PortCounter.TX_BYTES)).isEqualTo(14L * 1514);
        assertThat(port.link().aToB().frames()).isEqualTo(14);
    }

    @Test
    void shouldFreeOnCompletionWithoutASink() {
        final NicPort port = new NicPort("eth0", 1, NicPortConfig.mt7621Legacy(), loop, store, NicTrace.disabled());
        port.transmit(frame(1), 0);
        assertThat(store.inUse()).isEqualTo(1);
        loop.runUntil(1_000_000);
        assertThat(store.inUse()).isZero();
    }

    @Test
    void shouldLeaveTxCompletionToTheTxPollWhenAskedTo() {
        final NicPort port = new NicPort("eth0", 1, NicPortConfig.mt7621Legacy().txAutoReclaim(false), loop, store,
            NicTrace.disabled());
        final int[] txIrq = {0};
        port.txIrqLine().handler((line, now) -> txIrq[0]++);
        port.transmit(frame(1), 0);
        port.transmit(frame(2), 0);
        loop.runUntil(1_000_000);
        assertThat(txIrq[0]).isEqualTo(2);
        assertThat(port.txRing().sentSlots()).isEqualTo(2);
        assertThat(port.txReclaim(1, 1_000_000)).isEqualTo(1);
        assertThat(port.txReclaim(64, 1_000_000)).isEqualTo(1);
        assertThat(store.inUse()).isZero();
    }

    @Test
    void shouldNotAllocateOnReceivePollAndTransmit() {
        final NicPort port = new NicPort("eth0", 1, NicPortConfig.mt7621Legacy().rxQueues(2), loop, store,
            NicTrace.disabled());
        final int[] n = {0};
        port.irqLine(0).handler((line, now) -> n[0]++);
        final int template = frame(1);
        final long[] t = {0};
        final RxFrameHandler free = freeIt;
        AllocationMeter.assertNoAllocation("receive + poll", () -> {
            for (int i = 0; i < 8; i++) {
                final int p = store.copy(template);
                t[0] += 100;
                port.receive(p, t[0]);
            }
            loop.runUntil(t[0]);
            port.rxQueue(0).poll(64, free);
            port.rxQueue(1).poll(64, free);
        });
        AllocationMeter.assertNoAllocation("transmit + completion", () -> {
            final int p = store.copy(template);
            t[0] += 20_000;
            port.transmit(p, t[0]);
            loop.runUntil(t[0]);
        });
        assertThat(n[0]).isPositive();
    }
}
