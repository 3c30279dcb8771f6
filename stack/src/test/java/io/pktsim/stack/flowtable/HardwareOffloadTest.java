package io.pktsim.stack.flowtable;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.random.RandomStream;
import io.pktsim.nic.ppe.PpeConfig;
import io.pktsim.nic.ppe.PpeCounter;
import io.pktsim.nic.ppe.PpeFlowTable;
import io.pktsim.stack.conntrack.ConntrackConfig;
import io.pktsim.stack.conntrack.ConntrackTable;
import io.pktsim.stack.conntrack.NatMangle;
import org.junit.jupiter.api.Test;

/** A flowtable with {@code flags offload} in front of the MT7621 PPE. */
class HardwareOffloadTest {

    static final long MS = 1_000_000L;
    static final long SEC = 1_000 * MS;
    static final int LAN = 0xC0A8_0102;
    static final int REMOTE = 0x5DB8_D822;
    static final int WAN = 0x6440_0001;
    static final int LAN_IF = 1;
    static final int DIAL_IF = 2;
    static final int PORTS = (40000 << 16) | 443;

    final PacketStore store = new PacketStore(16, 256, 64);
    final PacketBuilder pb = new PacketBuilder(store);
    final ConntrackTable ct = new ConntrackTable(ConntrackConfig.kernelDefaults(64), RandomStream.derive(1, 0, "n"));
    final FlowTable ft = new FlowTable(ct, 16, FlowTable.DEFAULT_TIMEOUT_NS, FlowTable.DEFAULT_TIMEOUT_NS);
    final PpeFlowTable ppe = new PpeFlowTable(PpeConfig.mt7621());
    final PpeHardwareOffload hw = new PpeHardwareOffload(ppe, 8);

    int handshake() {
        ft.hardwareOffload(hw);
        final int[] flags = {TcpView.SYN, TcpView.SYN | TcpView.ACK, TcpView.ACK};
        int ref = -1;
        for (int i = 0; i < 3; i++) {
            final boolean out = i != 1;
            final int h = out
                ? pb.reset().rawIp().ipv4(LAN, REMOTE).tcp(40000, 443, 1, 1, flags[i]).ingressDevice(LAN_IF).build()
                : pb.reset().rawIp().ipv4(REMOTE, WAN).tcp(443, 40000, 1, 1, flags[i]).ingressDevice(DIAL_IF).build();
            final int r = ct.in(store, h, i);
            if (i == 0) {
                ct.masquerade(r, WAN, DIAL_IF);
                ref = r;
            }
            ft.offloadEval(store, h, r, out ? DIAL_IF : LAN_IF, out ? 1492 : 1500, out ? 1500 : 1492, i);
            NatMangle.apply(ct, store, h, r);
            ct.confirm(r);
            store.free(h);
        }
        return ref >> 1;
    }

    /** Upload packets at the PPE every ms from startNs; the driver checks on rate-reached packets. */
    void upload(final long startNs, final int packets) {
        for (int i = 0; i < packets; i++) {
            final long now = startNs + i * MS;
            if (ppe.receive(LAN, REMOTE, PORTS, 6, now) == PpeFlowTable.Result.TO_CPU_RATE_REACHED) {
                ppe.checkSkb(ppe.lastHash(), now);
            }
        }
    }

    @Test
    void shouldOfferBothDirectionsAndKeepAHardwareOnlyFlowAlive() {
        hw.path(DIAL_IF, 1, true);
        hw.path(LAN_IF, 0, true);
        final int e = handshake();
        final int up = ft.hardwareId(e, 0);
        final int down = ft.hardwareId(e, 1);
        assertThat(up).isGreaterThanOrEqualTo(0);
        assertThat(down).isGreaterThanOrEqualTo(0);
        upload(10 * MS, 100);
        assertThat(ppe.isBound(up)).isTrue();
        assertThat(ppe.counters().get(PpeCounter.HW_FORWARDED)).isEqualTo(70);
        // only the hardware sees the flow now; its last packet at 109 ms keeps the software flow alive
        assertThat(ft.gc(25 * SEC)).isZero();
        upload(29 * SEC, 1);
        assertThat(ft.gc(45 * SEC)).isZero();
        // 30 s after the hardware's last packet the flow expires here and leaves the PPE too
        assertThat(ft.gc(29 * SEC + 30 * SEC)).isEqualTo(1);
        assertThat(ppe.isBound(up)).isFalse();
        assertThat(ppe.boundEntries()).isZero();
    }

    @Test
    void shouldNeverBindTheDirectionLeavingThroughAMacvlan() {
        hw.path(DIAL_IF, 0, false);
        hw.path(LAN_IF, 0, true);
        final int e = handshake();
        assertThat(ft.hardwareId(e, 0)).isEqualTo(PpeFlowTable.EOPNOTSUPP_EGRESS);
        assertThat(ft.hardwareId(e, 1)).isGreaterThanOrEqualTo(0);
        upload(10 * MS, 10_000);
        assertThat(ppe.counters().get(PpeCounter.HW_FORWARDED)).isZero();
        assertThat(ppe.counters().get(PpeCounter.TO_CPU)).isEqualTo(10_000);
        // the software flowtable still takes the upload packets
        final int h = pb.reset().rawIp().ipv4(LAN, REMOTE).tcp(40000, 443, 1, 1, TcpView.ACK).payload(1000)
            .ingressDevice(LAN_IF).build();
        assertThat(ft.forward(store, h, 11 * SEC)).isEqualTo(DIAL_IF);
    }
}
