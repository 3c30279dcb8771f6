package io.pktsim.nic.sw;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.header.EthernetView;
import io.pktsim.core.header.VlanView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.test.AllocationMeter;
import org.junit.jupiter.api.Test;

class Mt7530SwitchTest {

    private static final long HOST = 0x0200_0000_00AAL;
    private static final long ROUTER = 0x0200_0000_0001L;
    private static final long ISP = 0x0200_0000_00BBL;

    private final PacketStore store = new PacketStore(64);
    private final PacketBuilder pb = new PacketBuilder(store);
    private final Mt7530Switch sw = Mt7530Switch.openWrtDefault("switch0", store);
    private final EthernetView eth = new EthernetView();
    private final VlanView vlan = new VlanView();

    private int vidOf(final int p) {
        eth.wrap(store.buffer(), store.frameOffset(p));
        if (eth.ethertype() != EthernetView.ETHERTYPE_VLAN) {
            return -1;
        }
        return vlan.wrap(store.buffer(), store.frameOffset(p) + EthernetView.LENGTH).vlanId();
    }

    @Test
    void shouldTagLanFramesWithVlan1AndWanFramesWithVlan2TowardsTheCpu() {
        sw.ingress(Mt7530Switch.CPU, routerFrame(HOST, 1));
        final int lan = pb.reset().ethernet(HOST, ROUTER).build();
        final int len = store.length(lan);
        final int ipAt = store.networkOffset(lan);
        assertThat(sw.ingress(Mt7530Switch.LAN2, lan)).isEqualTo(1 << Mt7530Switch.CPU);
        assertThat(sw.lastVid()).isEqualTo(1);
        assertThat(sw.egress(lan, sw.lastVid(), Mt7530Switch.CPU)).isTrue();
        assertThat(vidOf(lan)).isEqualTo(Mt7530Switch.VLAN_LAN);
        assertThat(store.length(lan)).isEqualTo(len + 4);
        assertThat(store.networkOffset(lan)).isEqualTo(ipAt + 4);
        eth.wrap(store.buffer(), store.frameOffset(lan));
        assertThat(eth.src()).isEqualTo(HOST);
        assertThat(eth.dst()).isEqualTo(ROUTER);
        assertThat(vlan.ethertype()).isEqualTo(EthernetView.ETHERTYPE_IPV4);

        final int wan = pb.reset().ethernet(ISP, ROUTER).build();
        assertThat(sw.ingress(Mt7530Switch.WAN, wan)).as("unknown router MAC in VLAN 2: flood = CPU only")
            .isEqualTo(1 << Mt7530Switch.CPU);
        sw.egress(wan, sw.lastVid(), Mt7530Switch.CPU);
        assertThat(vidOf(wan)).isEqualTo(Mt7530Switch.VLAN_WAN);
        assertThat(sw.counters().get(SwitchCounter.TAG_PUSHED)).isEqualTo(2);
    }

    private int routerFrame(final long dst, final int vid) {
        return pb.reset().ethernet(ROUTER, dst).vlan(vid).build();
    }

    @Test
    void shouldUntagCpuFramesOntoTheLearnedMemberPort() {
        sw.ingress(Mt7530Switch.WAN, pb.reset().ethernet(ISP, ROUTER).build());
        final int out = routerFrame(ISP, Mt7530Switch.VLAN_WAN);
        final int len = store.length(out);
        assertThat(sw.ingress(Mt7530Switch.CPU, out)).isEqualTo(1 << Mt7530Switch.WAN);
        assertThat(sw.lastVid()).isEqualTo(2);
        sw.egress(out, 2, Mt7530Switch.WAN);
        assertThat(vidOf(out)).isEqualTo(-1);
        assertThat(store.length(out)).isEqualTo(len - 4);
        eth.wrap(store.buffer(), store.frameOffset(out));
        assertThat(eth.dst()).isEqualTo(ISP);
        assertThat(eth.src()).isEqualTo(ROUTER);
        assertThat(eth.ethertype()).isEqualTo(EthernetView.ETHERTYPE_IPV4);
        assertThat(sw.counters().get(SwitchCounter.FROM_CPU)).isEqualTo(1);
        assertThat(sw.txFrames(Mt7530Switch.WAN)).isEqualTo(1);
    }

    @Test
    void shouldFloodUnknownLanFramesToTheOtherLanPortsAndTheCpuButNeverToWan() {
        final int f = pb.reset().ethernet(HOST, EthernetView.BROADCAST).build();
        final int mask = sw.ingress(Mt7530Switch.LAN1, f);
        assertThat(mask).isEqualTo((1 << Mt7530Switch.LAN2) | (1 << Mt7530Switch.LAN3) | (1 << Mt7530Switch.LAN4)
            | (1 << Mt7530Switch.CPU));
        assertThat(sw.counters().get(SwitchCounter.FLOODED)).isEqualTo(1);
    }

    @Test
    void shouldSwitchBetweenLanPortsInHardware() {
        final long other = 0x0200_0000_00CCL;
        sw.ingress(Mt7530Switch.LAN3, pb.reset().ethernet(other, HOST).build());
        assertThat(sw.ingress(Mt7530Switch.LAN1, pb.reset().ethernet(HOST, other).build()))
            .isEqualTo(1 << Mt7530Switch.LAN3);
        assertThat(sw.counters().get(SwitchCounter.FORWARDED)).isEqualTo(1);
    }

    @Test
    void shouldDropTaggedFramesOnUntaggedPorts() {
        assertThat(sw.ingress(Mt7530Switch.LAN1, routerFrame(HOST, 1))).isZero();
        assertThat(sw.counters().get(SwitchCounter.DROPPED)).isEqualTo(1);
    }

    @Test
    void shouldNotAllocatePerFrame() {
        final int p = pb.reset().ethernet(HOST, ROUTER).build();
        AllocationMeter.assertNoAllocation("switch ingress+egress", () -> {
            sw.ingress(Mt7530Switch.LAN1, p);
            sw.egress(p, 1, Mt7530Switch.CPU);
            sw.egress(p, 1, Mt7530Switch.LAN1);
        });
    }
}
