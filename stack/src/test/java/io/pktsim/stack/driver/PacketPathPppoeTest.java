package io.pktsim.stack.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.pktsim.core.cpu.CpuStages;
import io.pktsim.core.cpu.CpuTopology;
import io.pktsim.core.event.EventLoop;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.test.AllocationMeter;
import io.pktsim.core.trace.TraceBus;
import io.pktsim.nic.port.NicPort;
import io.pktsim.nic.port.NicPortConfig;
import io.pktsim.nic.trace.NicTrace;
import io.pktsim.stack.gro.GroConfig;
import io.pktsim.stack.gro.GroCounter;
import io.pktsim.stack.gro.GroTable;
import io.pktsim.stack.napi.NapiCounter;
import io.pktsim.stack.napi.NapiKnobs;
import io.pktsim.stack.napi.Softnet;
import io.pktsim.stack.napi.SoftnetCounter;
import io.pktsim.stack.profile.CostStage;
import io.pktsim.stack.profile.CostTable;

/**
 * A PPPoE session frame through {@link PacketPath}: {@code pppoe_rcv()} on eth0's pass, then the ppp device's
 * {@code netif_rx()} queues the raw IP packet to the backlog, whose NAPI brings it back for {@code ip_rcv()} and the
 * forward (drivers/net/ppp/pppoe.c and ppp_generic.c, 6.18).
 */
class PacketPathPppoeTest {

    private final EventLoop loop = new EventLoop();
    private final PacketStore store = new PacketStore(256);
    private final CpuStages stages = new CpuStages();
    private final CpuTopology cpus = new CpuTopology(loop, stages, 1, 1, 1_000_000_000L, 100, 1000);
    private final int[] ids = CostStage.registerAll(stages);
    private final Softnet softnet = new Softnet(cpus, loop, new NapiKnobs(100).netdevMaxBacklog(4),
        new CostTable().softnetCosts(), TraceBus.disabled());
    private final CostTable costs = new CostTable().set(CostStage.NETIF_RECEIVE, 0, 1000, 0)
        .set(CostStage.PPPOE, 0, 3000, 0).set(CostStage.FIB, 0, 100, 0).set(CostStage.FORWARD, 0, 100, 0)
        .set(CostStage.RAW_DROP, 0, 50, 0).freeze();
    private final List<int[]> sent = new ArrayList<>();

    private PacketPath path(final PacketPath.Mode mode) {
        final PacketPath p = new PacketPath(softnet, costs, ids, store, mode, (packet, now) -> {
            final int f = store.frameOffset(packet);
            sent.add(new int[] {store.length(packet),
                store.buffer().getShort(f + 12, ByteOrder.BIG_ENDIAN) & 0xFFFF,
                store.buffer().getByte(f + 14) & 0xFF, store.hasFlag(packet, PacketStore.FLAG_RAW_IP) ? 1 : 0});
            store.free(packet);
        });
        p.cpu(cpus.thread(0));
        softnet.backlogSink((c, packet, now) -> p.deliverFromBacklog(packet, now));
        return p;
    }

    private int pppoeFrame(final boolean ipv6) {
        final PacketBuilder b = new PacketBuilder(store).reset().pppoe(0x11);
        if (ipv6) {
            b.ipv6(0x20010DB8_00000000L, 1L, 0x20010DB8_00000000L, 2L);
        }
        return b.tcp(40_000, 80, 1, 1, 0x10).payload(1000).build();
    }

    /** The frame from eth0's driver into the stack through the backlog ({@code netif_rx()}: a driver without NAPI). */
    private void receive(final int h, final long nowNs) {
        assertThat(softnet.enqueueToBacklog(0, 0, h, nowNs)).isTrue();
    }

    @Test
    void shouldTakeAPppoeFrameApartAndForwardItFromTheBacklog() {
        final PacketPath path = path(PacketPath.Mode.FORWARD);
        final int h = pppoeFrame(false);
        final int frameLength = store.length(h);
        receive(h, 0);
        loop.runUntil(1_000_000);
        assertThat(path.counters().get(PathCounter.PPPOE_RECEIVED)).isEqualTo(1);
        assertThat(path.counters().get(PathCounter.FORWARDED)).isEqualTo(1);
        // netif_rx twice: the driver's and the ppp device's
        assertThat(softnet.softnet(0).counters().get(SoftnetCounter.BACKLOG_ENQUEUED)).isEqualTo(2);
        assertThat(softnet.softnet(0).backlog().counters().get(NapiCounter.POLLS)).isPositive();
        // two passes through __netif_receive_skb_core: eth0's (pppoe_rcv) and the ppp device's (ip_rcv)
        assertThat(softnet.softnet(0).counters().get(SoftnetCounter.PROCESSED)).isEqualTo(2);
        assertThat(cpus.thread(0).core().chargedCycles(ids[CostStage.NETIF_RECEIVE.ordinal()])).isEqualTo(2000);
        assertThat(cpus.thread(0).core().chargedCycles(ids[CostStage.PPPOE.ordinal()])).isEqualTo(3000);
        // out as an Ethernet frame: the PPPoE header (8 bytes) gone, an IPv4 EtherType, the IP header behind it
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0)).containsExactly(frameLength - 8, 0x0800, 0x45, 0);
    }

    @Test
    void shouldForwardIpv6OverPppoeWithItsOwnEtherType() {
        final PacketPath path = path(PacketPath.Mode.FORWARD);
        final int h = pppoeFrame(true);
        final int frameLength = store.length(h);
        receive(h, 0);
        loop.runUntil(1_000_000);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0)[0]).isEqualTo(frameLength - 8);
        assertThat(sent.get(0)[1]).isEqualTo(0x86DD);
        assertThat(sent.get(0)[2] >>> 4).isEqualTo(6);
    }

    @Test
    void shouldDropInTheRawTableOnlyOnThePppDevicesPass() {
        final PacketPath path = path(PacketPath.Mode.RAW_DROP);
        receive(pppoeFrame(false), 0);
        loop.runUntil(1_000_000);
        // eth0's pass ends in pppoe_rcv, the raw table is the ppp device's (ip_rcv's PREROUTING)
        assertThat(path.counters().get(PathCounter.PPPOE_RECEIVED)).isEqualTo(1);
        assertThat(path.counters().get(PathCounter.RAW_DROPPED)).isEqualTo(1);
        assertThat(softnet.softnet(0).counters().get(SoftnetCounter.PROCESSED)).isEqualTo(2);
        assertThat(store.inUse()).isZero();
    }

    /**
     * Ten PPPoE frames that land together are taken by one NAPI poll, which hands them up (mainline GRO has no
     * handler for them) before the backlog runs: with {@code netdev_max_backlog} 4 the ppp device's
     * {@code netif_rx()} queues five and drops the rest (the backlog takes a packet while it holds at most 4).
     */
    @Test
    void shouldDropWhatAFullBacklogDoesNotTake() {
        final PacketPath path = path(PacketPath.Mode.FORWARD);
        final NicPort port = new NicPort("eth0", 1, NicPortConfig.mt7621Legacy().noCoalescing(), loop, store,
            NicTrace.disabled());
        final GroTable gro = new GroTable(store, new GroConfig().hz(100), path);
        new RxQueueDriver("eth0/rx0", port.rxQueue(0), cpus.thread(0), softnet, 64, gro, path, store, costs, ids);
        final int[] frames = new int[10];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = pppoeFrame(false);
        }
        final int kind = loop.register((t, a, now) -> {
            for (final int h : frames) {
                port.receive(h, now);
            }
        }, "burst");
        loop.schedule(0, kind, 0, 0);
        loop.runUntil(10_000_000);
        assertThat(gro.counters().get(GroCounter.MERGED)).isZero();
        assertThat(path.counters().get(PathCounter.PPPOE_RECEIVED)).isEqualTo(10);
        assertThat(path.counters().get(PathCounter.PPPOE_BACKLOG_DROPPED)).isEqualTo(5);
        assertThat(path.counters().get(PathCounter.FORWARDED)).isEqualTo(5);
        // eth0's pass for ten, the ppp device's for five
        assertThat(softnet.softnet(0).counters().get(SoftnetCounter.PROCESSED)).isEqualTo(15);
        assertThat(store.inUse()).isZero();
    }

    @Test
    void shouldAllocateNothingPerPppoeFrame() {
        final PacketPath path = new PacketPath(softnet, costs, ids, store, PacketPath.Mode.FORWARD, (packet, now) ->
            store.free(packet));
        path.cpu(cpus.thread(0));
        softnet.backlogSink((c, packet, now) -> path.deliverFromBacklog(packet, now));
        final PacketBuilder b = new PacketBuilder(store);
        final long[] now = {0};
        AllocationMeter.assertNoAllocation("a PPPoE frame through pppoe_rcv, the backlog and the forward", () -> {
            final int h = b.reset().pppoe(0x11).tcp(40_000, 80, 1, 1, 0x10).payload(1000).build();
            softnet.enqueueToBacklog(0, 0, h, now[0]);
            now[0] += 10_000;
            loop.runUntil(now[0]);
        });
        assertThat(path.counters().get(PathCounter.FORWARDED))
            .isEqualTo(path.counters().get(PathCounter.PPPOE_RECEIVED));
        assertThat(store.inUse()).isZero();
    }
}
