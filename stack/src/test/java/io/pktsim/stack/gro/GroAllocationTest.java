package io.pktsim.stack.gro;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.test.AllocationMeter;
import io.pktsim.nic.offload.OffloadFeatures;
import io.pktsim.stack.gso.GsoCounter;
import io.pktsim.stack.gso.SoftwareGso;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** GRO receive and GSO allocate nothing per packet once warm. */
class GroAllocationTest {

    @Test
    void shouldNotAllocateInGroReceiveAndFlush() {
        final PacketStore store = new PacketStore(4096, 256, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        final int flows = 8;
        final UnsafeBuffer[] templates = new UnsafeBuffer[flows];
        final int[] lengths = new int[flows];
        for (int i = 0; i < flows; i++) {
            final int h = GroTrains.segment(pb, GroTrains.V4, i, 0, 1448, TcpView.ACK, 0, true, true);
            templates[i] = new UnsafeBuffer(new byte[store.storedLength(h)]);
            templates[i].putBytes(0, store.buffer(), store.frameOffset(h), store.storedLength(h));
            lengths[i] = store.length(h);
            store.free(h);
        }
        final GroTable gro = new GroTable(store, new GroConfig(), (h, r, t) -> store.free(h));
        final int[] state = new int[2];
        final int[] seq = new int[flows];
        final TcpView tcp = new TcpView();
        final Runnable work = () -> {
            final int flow = state[0]++ & (flows - 1);
            final int h = store.allocate();
            store.putFrame(h, templates[flow], 0, templates[flow].capacity(), lengths[flow]);
            tcp.wrap(store.buffer(), store.frameOffset(h) + 34).seq(seq[flow]);
            seq[flow] += 1448;
            store.hash(h, 0x51 * (flow + 1), PacketStore.HASH_L4);
            store.checksumState(h, io.pktsim.core.packet.ChecksumState.UNNECESSARY);
            gro.receive(h, 0);
            if (++state[1] == 64) {
                state[1] = 0;
                gro.onPollEnd(64, 64, 0);
                gro.onPollEnd(0, 64, 0);
            }
        };
        // a JIT deoptimisation in the measured window can allocate once; assertNoAllocation retries that window,
        // a real per-packet allocation fails every time
        AllocationMeter.assertNoAllocation("GRO receive and flush", work);
        assertThat(gro.counters().get(GroCounter.MERGED)).isGreaterThan(0);
    }

    @Test
    void shouldNotAllocateInGroReceiveAndFlushOfPppoeSessionFrames() {
        final PacketStore store = new PacketStore(4096, 256, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        final int flows = 8;
        final UnsafeBuffer[] templates = new UnsafeBuffer[flows];
        final int[] lengths = new int[flows];
        for (int i = 0; i < flows; i++) {
            // IPv4 and IPv6 sessions of OpenWrt's PPPoE handler
            pb.reset().pppoe(0x100 + i).tcp(40000 + i, 80, 0, 7, TcpView.ACK).payload(1448).fragWord(0x4000)
                .timestamps(1, 2);
            if ((i & 1) != 0) {
                pb.ipv6(0x2001_0db8_0000_0000L, 1, 0x2001_0db8_0000_0000L, 2);
            }
            final int h = pb.build();
            templates[i] = new UnsafeBuffer(new byte[store.storedLength(h)]);
            templates[i].putBytes(0, store.buffer(), store.frameOffset(h), store.storedLength(h));
            lengths[i] = store.length(h);
            store.free(h);
        }
        final GroTable gro = new GroTable(store, new GroConfig().pppoeGro(true), (h, r, t) -> store.free(h));
        final int[] state = new int[2];
        final int[] seq = new int[flows];
        final TcpView tcp = new TcpView();
        final Runnable work = () -> {
            final int flow = state[0]++ & (flows - 1);
            final int h = store.allocate();
            store.putFrame(h, templates[flow], 0, templates[flow].capacity(), lengths[flow]);
            tcp.wrap(store.buffer(), store.frameOffset(h) + 22 + ((flow & 1) != 0 ? 40 : 20)).seq(seq[flow]);
            seq[flow] += 1448;
            store.hash(h, 0x51 * (flow + 1), PacketStore.HASH_L4);
            store.checksumState(h, io.pktsim.core.packet.ChecksumState.UNNECESSARY);
            gro.receive(h, 0);
            if (++state[1] == 64) {
                state[1] = 0;
                gro.onPollEnd(64, 64, 0);
                gro.onPollEnd(0, 64, 0);
            }
        };
        AllocationMeter.assertNoAllocation("GRO receive and flush, PPPoE", work);
        assertThat(gro.counters().get(GroCounter.MERGED)).isGreaterThan(0);
        assertThat(gro.counters().get(GroCounter.AGGREGATES)).isGreaterThan(0);
        assertThat(gro.reasonCounters().get(GroReason.NO_HANDLER)).isZero();
    }

    @Test
    void shouldNotAllocateInFraglistGroOfUdpAndTheSplitOfItsAggregates() {
        final PacketStore store = new PacketStore(4096, 256, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        final int flows = 8;
        final UnsafeBuffer[] templates = new UnsafeBuffer[flows];
        final int[] lengths = new int[flows];
        for (int i = 0; i < flows; i++) {
            // IPv4 and IPv6 flows of 1200-byte datagrams
            pb.reset().udp(40000 + i, 5001).payload(1200);
            if ((i & 1) != 0) {
                pb.ipv6(0x2001_0db8_0000_0000L, 1, 0x2001_0db8_0000_0000L, 2);
            }
            final int h = pb.build();
            templates[i] = new UnsafeBuffer(new byte[store.storedLength(h)]);
            templates[i].putBytes(0, store.buffer(), store.frameOffset(h), store.storedLength(h));
            lengths[i] = store.length(h);
            store.free(h);
        }
        final SoftwareGso gso = new SoftwareGso(store, new OffloadFeatures().txChecksum(true),
            new Counters<>(GsoCounter.class));
        final io.pktsim.stack.gso.GsoSink free = store::free;
        final GroTable gro = new GroTable(store, new GroConfig().rxGroList(true), (h, r, t) -> gso.transmit(h, free));
        final int[] state = new int[2];
        final Runnable work = () -> {
            final int flow = state[0]++ & (flows - 1);
            final int h = store.allocate();
            store.putFrame(h, templates[flow], 0, templates[flow].capacity(), lengths[flow]);
            store.hash(h, 0x51 * (flow + 1), PacketStore.HASH_L4);
            store.checksumState(h, io.pktsim.core.packet.ChecksumState.NONE);
            gro.receive(h, 0);
            if (++state[1] == 64) {
                state[1] = 0;
                gro.onPollEnd(64, 64, 0);
                gro.onPollEnd(0, 64, 0);
            }
        };
        AllocationMeter.assertNoAllocation("fraglist GRO of UDP, and GSO of its aggregates", work);
        assertThat(gro.counters().get(GroCounter.MERGED)).isGreaterThan(0);
        assertThat(gro.counters().get(GroCounter.AGGREGATES)).isGreaterThan(0);
        assertThat(gro.reasonCounters().get(GroReason.NOT_TCP)).isZero();
    }

    @Test
    void shouldNotAllocateInGsoOfAPppoeSuperPacket() {
        final PacketStore store = new PacketStore(256, 256, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        final SoftwareGso gso = new SoftwareGso(store, new OffloadFeatures().txChecksum(true),
            new Counters<>(GsoCounter.class));
        final io.pktsim.stack.gso.GsoSink sink = store::free;
        final Runnable work = () -> {
            final int h = pb.reset().pppoe(7).tcp(1, 2, 3, 4, TcpView.ACK).timestamps(5, 6).payload(14480)
                .checksumMode(PacketBuilder.CSUM_PARTIAL).build();
            store.gsoSize(h, 1448);
            store.gsoType(h, PacketStore.GSO_TCPV4);
            gso.transmit(h, sink);
        };
        AllocationMeter.assertNoAllocation("software GSO, PPPoE", work);
        assertThat(store.inUse()).isZero();
    }

    @Test
    void shouldNotAllocateInGso() {
        final PacketStore store = new PacketStore(256, 256, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        final SoftwareGso gso = new SoftwareGso(store, new OffloadFeatures().txChecksum(true),
            new Counters<>(GsoCounter.class));
        final io.pktsim.stack.gso.GsoSink sink = store::free;
        final Runnable work = () -> {
            final int h = pb.reset().tcp(1, 2, 3, 4, TcpView.ACK).timestamps(5, 6).payload(14480)
                .checksumMode(PacketBuilder.CSUM_PARTIAL).build();
            store.gsoSize(h, 1448);
            store.gsoType(h, PacketStore.GSO_TCPV4);
            gso.transmit(h, sink);
        };
        AllocationMeter.assertNoAllocation("software GSO", work);
        assertThat(store.inUse()).isZero();
    }
}
