package io.pktsim.nic.rss;

import static org.assertj.core.api.Assertions.assertThat;


import io.pktsim.core.flow.FlowKey;
import io.pktsim.core.hash.Toeplitz;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.test.AllocationMeter;
import org.junit.jupiter.api.Test;

/** RSS steering: the default indirection table and the hash stored in the packet ({@code skb_set_hash}). */
class RssTest {

    private final Toeplitz t = Toeplitz.microsoftKey();

    @Test
    void shouldSpreadTheDefaultIndirectionRoundRobin() {
        final RssIndirection r = new RssIndirection(3);
        assertThat(r.size()).isEqualTo(128);
        assertThat(r.entry(0)).isZero();
        assertThat(r.entry(4)).isEqualTo(1);
        assertThat(r.entry(127)).isEqualTo(1);
        assertThat(r.queueOf(0x51ccc178)).isEqualTo((0x78 & 127) % 3);
    }

    @Test
    void shouldStoreAnL4HashForTcpAndAnL3HashForUdp() {
        final PacketStore store = new PacketStore(16);
        final PacketBuilder pb = new PacketBuilder(store);
        final Rss rss = new Rss(t, new RssIndirection(4));
        final int src = 0x42_09_95_BB;
        final int dst = 0xA1_8E_64_50;
        final int tcp = pb.reset().ipv4(src, dst).tcp(2794, 1766, 1, 1, 0x10).build();
        final int q = rss.steer(store, tcp);
        assertThat(store.hash(tcp)).isEqualTo(0x51ccc178);
        assertThat(store.hashType(tcp)).isEqualTo(PacketStore.HASH_L4);
        assertThat(q).isEqualTo((0x78 & 127) % 4);
        final int udp = pb.reset().ipv4(src, dst).udp(2794, 1766).build();
        rss.steer(store, udp);
        assertThat(store.hash(udp)).isEqualTo(0x323e8fc2);
        assertThat(store.hashType(udp)).isEqualTo(PacketStore.HASH_L3);
        rss.udpPorts(true);
        rss.steer(store, udp);
        assertThat(store.hash(udp)).isEqualTo(0x51ccc178);
        assertThat(store.hashType(udp)).isEqualTo(PacketStore.HASH_L4);
        assertThat(FlowKey.PROTO_TCP).isEqualTo(6);
    }

    @Test
    void shouldNotAllocateWhenSteering() {
        final PacketStore store = new PacketStore(16);
        final int h = new PacketBuilder(store).tcp(1, 2, 3, 4, 0x10).build();
        final Rss rss = new Rss(t, new RssIndirection(4));
        AllocationMeter.assertNoAllocation("RSS steer", () -> rss.steer(store, h));
    }
}
