package io.pktsim.stack.flowtable;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.test.AllocationMeter;
import io.pktsim.stack.conntrack.ConntrackCounter;
import org.junit.jupiter.api.Test;

/**
 * The composed download path of {@link ForwardPathRig} (the model of bench's {@code ForwardPathBench}):
 * exact bytes out on the LAN, and no allocation per packet on the classic path and on the flowtable fast path.
 */
class ForwardPathAllocationTest {

    static final int FLOWS = 64;

    /** The frame the LAN host must get for a download segment of {@code flow}: NATed back, TTL 63, tagged. */
    static byte[] expected(final PacketStore store, final int flow) {
        final int h = new PacketBuilder(store).reset().ethernet(ForwardPathRig.ROUTER_LAN_MAC, ForwardPathRig.HOST_MAC)
            .vlan(1).ipv4(ForwardPathRig.REMOTE, ForwardPathRig.host(flow)).ttl(63)
            .tcp(443, ForwardPathRig.hostPort(flow), 901, 101, TcpView.ACK).payload(ForwardPathRig.PAYLOAD).build();
        final byte[] b = bytes(store, h);
        store.free(h);
        return b;
    }

    static byte[] bytes(final PacketStore store, final int h) {
        final byte[] b = new byte[store.storedLength(h)];
        store.buffer().getBytes(store.frameOffset(h), b);
        return b;
    }

    void checkOnePacketPerFlow(final ForwardPathRig rig) {
        for (final int flow : new int[] {0, 1, FLOWS - 1}) {
            final int out = rig.download(rig.receive(flow), 1_000);
            assertThat(out).isNotNegative();
            assertThat(bytes(rig.store, out)).isEqualTo(expected(rig.store, flow));
            assertThat(rig.store.length(out)).isEqualTo(14 + 4 + 20 + 20 + ForwardPathRig.PAYLOAD);
            assertThat(rig.store.egressDevice(out)).isEqualTo(ForwardPathRig.ETH0_IFINDEX);
            assertThat(rig.store.hasFlag(out, PacketStore.FLAG_OFFLOADED)).isEqualTo(rig.offload);
            rig.store.free(out);
        }
        assertThat(rig.store.inUse()).isZero();
    }

    void assertNoAllocation(final ForwardPathRig rig, final String what) {
        final long[] now = {2_000};
        final int[] next = {0};
        AllocationMeter.assertNoAllocation(what, () -> {
            final int flow = next[0];
            next[0] = flow + 1 == FLOWS ? 0 : flow + 1;
            now[0] += 100;
            final int out = rig.download(rig.receive(flow), now[0]);
            rig.store.free(out);
        });
        assertThat(rig.store.inUse()).isZero();
    }

    @Test
    void shouldForwardOnTheClassicPathWithoutAllocating() {
        final ForwardPathRig rig = new ForwardPathRig(FLOWS, false);
        final long found = rig.ct.counters().get(ConntrackCounter.FOUND);
        checkOnePacketPerFlow(rig);
        assertThat(rig.ct.counters().get(ConntrackCounter.FOUND)).isEqualTo(found + 3);
        assertNoAllocation(rig, "classic forward path");
        assertThat(rig.ft.count()).isZero();
    }

    @Test
    void shouldForwardOnTheFlowtableFastPathWithoutAllocating() {
        final ForwardPathRig rig = new ForwardPathRig(FLOWS, true);
        assertThat(rig.ft.count()).isEqualTo(FLOWS);
        final long found = rig.ct.counters().get(ConntrackCounter.FOUND);
        checkOnePacketPerFlow(rig);
        assertNoAllocation(rig, "flowtable fast path");
        assertThat(rig.ct.counters().get(ConntrackCounter.FOUND)).isEqualTo(found);
    }
}
