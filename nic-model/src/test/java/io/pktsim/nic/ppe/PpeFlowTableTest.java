package io.pktsim.nic.ppe;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.test.AllocationMeter;
import org.junit.jupiter.api.Test;

class PpeFlowTableTest {

    static final long MS = 1_000_000L;
    static final int LAN = 0xC0A8_0102;
    static final int REMOTE = 0x5DB8_D822;
    static final int PORTS = (40000 << 16) | 443;

    final PpeFlowTable ppe = new PpeFlowTable(PpeConfig.mt7621());

    /** Sends packets every stepNs from startNs; the driver checks on every rate-reached packet. */
    int firstHardwarePacket(final int count, final long startNs, final long stepNs) {
        for (int i = 0; i < count; i++) {
            final long now = startNs + i * stepNs;
            final PpeFlowTable.Result r = ppe.receive(LAN, REMOTE, PORTS, 6, now);
            if (r == PpeFlowTable.Result.HW_FORWARDED) {
                return i + 1;
            }
            if (r == PpeFlowTable.Result.TO_CPU_RATE_REACHED) {
                ppe.checkSkb(ppe.lastHash(), now);
            }
        }
        return -1;
    }

    @Test
    void shouldHave7744UsableEntriesOnMt7621And4096OnTheLegacyDriver() {
        assertThat(ppe.usableEntries()).isEqualTo(8192 - 64 * 7).isEqualTo(7744);
        assertThat(new PpeFlowTable(PpeConfig.legacy4k()).usableEntries()).isEqualTo(4096);
    }

    @Test
    void shouldBindAfterTheBindRateAndForwardInHardwareAfterwards() {
        final int flow = ppe.offloadReplace(LAN, REMOTE, PORTS, 6, false, true, 1, true);
        assertThat(flow).isGreaterThanOrEqualTo(0);
        // 1000 packets/s: packets 1..29 go to the CPU, the 30th carries the rate-reached reason and is
        // checked by the driver, which binds; the 31st is forwarded by hardware
        assertThat(firstHardwarePacket(100, 0, MS)).isEqualTo(31);
        assertThat(ppe.isBound(flow)).isTrue();
        assertThat(ppe.counters().get(PpeCounter.TO_CPU)).isEqualTo(30);
        assertThat(ppe.counters().get(PpeCounter.LEARNED)).isEqualTo(1);
        assertThat(ppe.counters().get(PpeCounter.RATE_REACHED)).isEqualTo(1);
        assertThat(ppe.counters().get(PpeCounter.BOUND)).isEqualTo(1);
        assertThat(ppe.boundEntries()).isEqualTo(1);
        assertThat(ppe.lastHash() & 1).isZero();
    }

    @Test
    void shouldNotBindBelowTheBindRate() {
        ppe.offloadReplace(LAN, REMOTE, PORTS, 6, false, true, 0, true);
        // 20 packets per second for 5 s: never 30 within one second
        assertThat(firstHardwarePacket(100, 0, 50 * MS)).isEqualTo(-1);
        assertThat(ppe.counters().get(PpeCounter.RATE_REACHED)).isZero();
    }

    @Test
    void shouldRateLimitTheDriverCheckPerHash() {
        final PpeFlowTable.Result r = ppe.receive(LAN, REMOTE, PORTS, 6, 0);
        assertThat(r).isEqualTo(PpeFlowTable.Result.TO_CPU);
        final int h = ppe.lastHash();
        assertThat(ppe.checkSkb(h, 0)).isFalse();
        assertThat(ppe.counters().get(PpeCounter.CHECK_NO_FLOW)).isEqualTo(1);
        final int flow = ppe.offloadReplace(LAN, REMOTE, PORTS, 6, false, true, 0, true);
        assertThat(ppe.checkSkb(h, 99 * MS)).isFalse();
        assertThat(ppe.counters().get(PpeCounter.CHECK_RATE_LIMITED)).isEqualTo(1);
        assertThat(ppe.checkSkb(h, 100 * MS)).isTrue();
        assertThat(ppe.isBound(flow)).isTrue();
    }

    @Test
    void shouldNeverBindAFlowLeavingThroughAMacvlan() {
        assertThat(ppe.offloadReplace(LAN, REMOTE, PORTS, 6, false, true, 0, false))
            .isEqualTo(PpeFlowTable.EOPNOTSUPP_EGRESS);
        assertThat(firstHardwarePacket(10_000, 0, MS)).isEqualTo(-1);
        assertThat(ppe.counters().get(PpeCounter.HW_FORWARDED)).isZero();
        assertThat(ppe.counters().get(PpeCounter.TO_CPU)).isEqualTo(10_000);
        // the flow keeps reaching the rate and the driver keeps finding nothing to bind, every 100 ms
        assertThat(ppe.counters().get(PpeCounter.CHECK_NO_FLOW)).isEqualTo(100);
        assertThat(ppe.counters().get(PpeCounter.REFUSED_EGRESS)).isEqualTo(1);
    }

    @Test
    void shouldRefuseIpv6NatAndTwoVlansButTakePppoeWithOneVlanAndIpv6Routes() {
        assertThat(ppe.offloadReplace(1, 2, 3, 6, true, true, 0, true)).isEqualTo(PpeFlowTable.EOPNOTSUPP_IPV6_NAT);
        assertThat(ppe.offloadReplace(1, 2, 3, 6, true, false, 0, true)).isGreaterThanOrEqualTo(0);
        assertThat(ppe.offloadReplace(1, 2, 4, 6, false, true, 2, true)).isEqualTo(PpeFlowTable.ENOSPC_ENCAP);
        assertThat(ppe.offloadReplace(1, 2, 5, 6, false, true, 1, true)).isGreaterThanOrEqualTo(0);
        assertThat(ppe.counters().get(PpeCounter.REFUSED_IPV6_NAT)).isEqualTo(1);
        assertThat(ppe.counters().get(PpeCounter.REFUSED_ENCAP)).isEqualTo(1);
    }

    @Test
    void shouldAgeBoundEntriesByProtocolAndUnboundOnesAfterThreeSeconds() {
        final int tcp = ppe.offloadReplace(LAN, REMOTE, PORTS, 6, false, true, 0, true);
        firstHardwarePacket(40, 0, MS);
        assertThat(ppe.isBound(tcp)).isTrue();
        final long last = 30 * MS;
        assertThat(ppe.age(last + 7_000 * MS - 1)).isZero();
        assertThat(ppe.age(last + 7_000 * MS)).isEqualTo(1);
        assertThat(ppe.isBound(tcp)).isFalse();
        assertThat(ppe.counters().get(PpeCounter.AGED_BOUND)).isEqualTo(1);
        assertThat(ppe.receive(LAN, REMOTE, PORTS, 6, last + 7_001 * MS)).isEqualTo(PpeFlowTable.Result.TO_CPU);
        assertThat(ppe.age(last + 7_001 * MS + 3_000 * MS)).isEqualTo(1);
        assertThat(ppe.counters().get(PpeCounter.AGED_UNBOUND)).isEqualTo(1);

        final int udp = ppe.offloadReplace(LAN, REMOTE, PORTS + 1, 17, false, true, 0, true);
        for (int i = 0; i < 31; i++) {
            if (ppe.receive(LAN, REMOTE, PORTS + 1, 17, i * MS) == PpeFlowTable.Result.TO_CPU_RATE_REACHED) {
                ppe.checkSkb(ppe.lastHash(), i * MS);
            }
        }
        assertThat(ppe.isBound(udp)).isTrue();
        assertThat(ppe.age(30 * MS + 11_999 * MS)).isZero();
        assertThat(ppe.age(30 * MS + 12_000 * MS)).isEqualTo(1);
    }

    @Test
    void shouldUnbindWhenTheFlowtableDestroysTheFlow() {
        final int flow = ppe.offloadReplace(LAN, REMOTE, PORTS, 6, false, true, 0, true);
        firstHardwarePacket(40, 0, MS);
        ppe.offloadDestroy(flow);
        assertThat(ppe.boundEntries()).isZero();
        assertThat(ppe.receive(LAN, REMOTE, PORTS, 6, 50 * MS)).isEqualTo(PpeFlowTable.Result.TO_CPU);
    }

    @Test
    void shouldBindAtOnceWithTheLegacyDriver() {
        final PpeFlowTable legacy = new PpeFlowTable(PpeConfig.legacy4k());
        final int flow = legacy.offloadReplace(LAN, REMOTE, PORTS, 6, false, true, 0, true);
        assertThat(legacy.isBound(flow)).isTrue();
        assertThat(legacy.receive(LAN, REMOTE, PORTS, 6, 1)).isEqualTo(PpeFlowTable.Result.HW_FORWARDED);
    }

    @Test
    void shouldNotLearnWhenBothWaysOfTheBucketAreTaken() {
        final PpeConfig small = PpeConfig.mt7621();
        small.entries = 128;
        small.skipBoundaryEntries = false;
        final PpeFlowTable t = new PpeFlowTable(small);
        final int target = t.hash(LAN, REMOTE, PORTS);
        int found = 0;
        for (int port = 1; found < 2; port++) {
            if (port != 443 && t.hash(LAN, REMOTE, (40000 << 16) | port) == target) {
                assertThat(t.receive(LAN, REMOTE, (40000 << 16) | port, 6, 0)).isEqualTo(PpeFlowTable.Result.TO_CPU);
                found++;
            }
        }
        assertThat(t.receive(LAN, REMOTE, PORTS, 6, 0)).isEqualTo(PpeFlowTable.Result.TO_CPU);
        assertThat(t.lastHash()).isEqualTo(-1);
        assertThat(t.counters().get(PpeCounter.COLLISION)).isEqualTo(1);
        assertThat(t.counters().get(PpeCounter.LEARNED)).isEqualTo(2);
    }

    @Test
    void shouldNotAllocatePerPacket() {
        ppe.offloadReplace(LAN, REMOTE, PORTS, 6, false, true, 0, true);
        final long[] now = {0};
        final Runnable work = () -> {
            now[0] += MS;
            if (ppe.receive(LAN, REMOTE, PORTS, 6, now[0]) == PpeFlowTable.Result.TO_CPU_RATE_REACHED) {
                ppe.checkSkb(ppe.lastHash(), now[0]);
            }
            ppe.receive(REMOTE, LAN, (int) now[0], 17, now[0]);
        };
        AllocationMeter.assertNoAllocation("ppe receive", work);
        assertThat(ppe.counters().get(PpeCounter.HW_FORWARDED)).isGreaterThan(10_000);
    }
}
