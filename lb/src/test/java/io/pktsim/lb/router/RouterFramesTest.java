package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import org.junit.jupiter.api.Test;

/** The frames the router sends carry the real headers of each side (VLAN, PPPoE, IP, TCP), byte for byte. */
class RouterFramesTest {

    private static byte[] bytes(final PacketStore store, final int h) {
        final byte[] b = new byte[store.storedLength(h)];
        store.buffer().getBytes(store.frameOffset(h), b);
        return b;
    }

    /** The VLAN id of a tagged frame as eth0 holds it: 1 is the LAN. */
    private static int vid(final PacketStore store, final int h) {
        return store.buffer().getShort(store.frameOffset(h) + 14, java.nio.ByteOrder.BIG_ENDIAN) & 0x0FFF;
    }

    @Test
    void shouldSendTheHandshakeWithExactHeadersOnBothSides() {
        final RouterSimulation sim = new RouterSimulation(RouterFixtures.config(1, 2, 100 * RouterFixtures.MBIT,
                true, false, RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.BROWSER, 1, 1, RouterConfig.Direction.DOWNLOAD)),
                200_000_000L, 3));
        final List<byte[]> up = new ArrayList<>();
        final List<byte[]> down = new ArrayList<>();
        final List<Integer> lengths = new ArrayList<>();
        sim.tap((ifindex, t, store, h, sent) -> {
            if (ifindex == 1 && sent) {
                (vid(store, h) == 1 ? down : up).add(bytes(store, h));
                lengths.add(store.length(h));
            }
        });
        sim.start();
        sim.advance(100_000_000L);
        assertThat(sim.flowDial(0)).isZero();

        // Expected frames, built independently: the SYN leaves on dial 0 (macvlan 0 on eth0.2, PPPoE session
        // 0x1000, access concentrator of line 0) masqueraded to the dial's address 100.64.0.1 (port kept), with
        // the TTL decremented and the MSS clamped to 1452.
        final PacketStore ref = new PacketStore(8, 256, 64);
        final PacketBuilder pb = new PacketBuilder(ref);
        final byte[] syn = up.get(0);
        final int seqH = ((syn[4 + 18 + 8 + 20] & 0xFF) << 24 | (syn[5 + 18 + 8 + 20] & 0xFF) << 16
                | (syn[6 + 18 + 8 + 20] & 0xFF) << 8 | syn[7 + 18 + 8 + 20] & 0xFF);
        final int tsval = (syn[18 + 8 + 20 + 20 + 8 + 2] & 0xFF) << 24 | (syn[18 + 8 + 20 + 20 + 8 + 3] & 0xFF) << 16
                | (syn[18 + 8 + 20 + 20 + 8 + 4] & 0xFF) << 8 | syn[18 + 8 + 20 + 20 + 8 + 5] & 0xFF;
        final int expectedSyn = pb.reset().ethernet(0x0200_0000_1000L, 0x00E0_FC00_0000L).vlan(2).pppoe(0x1000)
                .ipv4(0x6440_0001, sim.serverIpOf(0)).ttl(63)
                .tcp(sim.sportOf(0), 443, seqH, 0, TcpView.SYN).mss(1452).windowScale(7).window(65535)
                .timestamps(tsval, 0).build();
        assertThat(syn).isEqualTo(bytes(ref, expectedSyn));
        assertThat(lengths.get(0)).isEqualTo(14 + 4 + 8 + 20 + 40);

        // The SYN-ACK reaches the host's VLAN untouched but for the TTL, without its PPPoE header.
        final byte[] synAck = down.get(0);
        assertThat(synAck.length).isEqualTo(14 + 4 + 20 + 40);
        assertThat(synAck[12] & 0xFF).isEqualTo(0x81);
        assertThat(synAck[15] & 0x0F).isEqualTo(1);
        assertThat(synAck[16] & 0xFF).isEqualTo(0x08);
        assertThat(synAck[18 + 8] & 0xFF).as("ttl").isEqualTo(63);
        final int dst = (synAck[18 + 16] & 0xFF) << 24 | (synAck[18 + 17] & 0xFF) << 16 | (synAck[18 + 18] & 0xFF) << 8
                | synAck[18 + 19] & 0xFF;
        assertThat(dst).as("de-NATed to the host").isEqualTo(sim.hostIpOf(0));
        assertThat((synAck[18 + 22] & 0xFF) << 8 | synAck[18 + 23] & 0xFF).isEqualTo(sim.sportOf(0));
        assertThat(synAck[18 + 20 + 13] & 0xFF).as("tcp flags").isEqualTo(TcpView.SYN | TcpView.ACK);
        assertThat((synAck[18 + 20 + 22] & 0xFF) << 8 | synAck[18 + 20 + 23] & 0xFF).as("MSS clamped on the SYN-ACK")
                .isEqualTo(1452);
        assertThat(sim.framesInUse()).isEqualTo((int) sim.heldFrames());
    }

    @Test
    void shouldForwardAnOffloadedFlowThroughTheFlowtableWithItsNat() {
        final RouterSimulation sim = new RouterSimulation(RouterFixtures.config(1, 1, 100 * RouterFixtures.MBIT,
                true, false, RouterConfig.OffloadMode.FLOWTABLE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.BROWSER, 1, 1, RouterConfig.Direction.DOWNLOAD)),
                200_000_000L, 3));
        final long[] seen = new long[4];
        final long[] sent = new long[1];
        sim.tap((ifindex, t, store, h, out) -> {
            if (ifindex != 1 || !out) {
                return;
            }
            final boolean toLan = vid(store, h) == 1;
            sent[0]++;
            if (!store.hasFlag(h, PacketStore.FLAG_OFFLOADED)) {
                return;
            }
            final byte[] b = bytes(store, h);
            final int ip = toLan ? 18 : 26;
            final int addr = toLan ? ip + 16 : ip + 12;
            final int a = (b[addr] & 0xFF) << 24 | (b[addr + 1] & 0xFF) << 16 | (b[addr + 2] & 0xFF) << 8
                    | b[addr + 3] & 0xFF;
            if (toLan) {
                seen[0]++;
                seen[1] += a == sim.hostIpOf(0) && (b[ip + 8] & 0xFF) == 63
                        && store.length(h) == 18 + 20 + 32 + 1440 ? 1 : 0;
            } else {
                seen[2]++;
                seen[3] += a == 0x6440_0001 && (b[ip + 8] & 0xFF) == 63 && (b[12] & 0xFF) == 0x81
                        && (b[16] & 0xFF) == 0x88 && (b[17] & 0xFF) == 0x64 ? 1 : 0;
            }
        });
        sim.start();
        sim.advance(150_000_000L);
        assertThat(sim.flowOffloaded(0)).isTrue();
        assertThat(seen[0]).as("data segments to the host by the fast path").isGreaterThan(100);
        assertThat(seen[1]).as("each de-NATed, TTL 63, 1440 bytes of payload").isEqualTo(seen[0]);
        assertThat(seen[2]).as("ACKs to the server by the fast path").isGreaterThan(50);
        assertThat(seen[3]).as("each masqueraded to 100.64.0.1 in a tagged PPPoE frame").isEqualTo(seen[2]);
        // every frame the CPU sends passes eth0's fq_codel, a few still on their way (the CPU has not finished)
        assertThat(sim.qdiscEnqueued()).isBetween(sent[0] - 4, sent[0]);
    }

    @Test
    void shouldRemoveTheDialsConnectionsThroughTheDeviceEventsOfARedial() {
        final RouterSimulation sim = new RouterSimulation(RouterFixtures.config(1, 2, 100 * RouterFixtures.MBIT,
                true, false, RouterConfig.OffloadMode.FLOWTABLE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.BROWSER, 2, 1, RouterConfig.Direction.DOWNLOAD)),
                300_000_000L, 3));
        sim.scheduleRedial(0, 150_000_000L, 20_000_000L);
        final RouterResults r = sim.run(ProgressListener.NONE);
        assertThat(sim.flowDial(0)).isZero();
        assertThat(sim.flowDial(1)).isZero();
        assertThat(sim.flowNatBroken(0)).isTrue();
        assertThat(sim.flowNatBroken(1)).isTrue();
        // host 0 still owed an ACK: it met the server's reset and its browser opened a new connection (flow 2, the
        // only conntrack entry left); host 1 owed nothing and waits for its browser's 300 s timeout
        assertThat(RouterResults.count(r.tcp(), "resets")).isEqualTo(1);
        assertThat(sim.reconnectOf(2)).isZero();
        assertThat(r.flows().get(0).closedBy()).isEqualTo("reset");
        assertThat(r.flows().get(1).closedBy()).isNull();
        assertThat(r.flows().get(2).goodputBps()).isPositive();
        assertThat(r.conntrack()).contains(new RouterResults.Count("entries", 1),
                new RouterResults.Count("inserted", 3));
        assertThat(sim.framesInUse()).isEqualTo((int) sim.heldFrames());
    }
}
