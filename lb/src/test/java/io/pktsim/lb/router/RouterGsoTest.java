package io.pktsim.lb.router;

import static io.pktsim.lb.router.RouterFixtures.stage;
import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.stack.profile.CostStage;
import io.pktsim.stack.profile.CostTable;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An upload through a PPPoE dial: the LAN's segments merge in GRO, and the aggregate leaves by the dial's ppp device,
 * which in 6.18 cannot send it whole (no GSO, scatter-gather or checksum offload), so {@code validate_xmit_skb} cuts
 * it with {@code skb_segment} and every segment goes through the ppp unit, PPPoE, the VLAN and eth0's qdisc and
 * driver on its own.
 */
class RouterGsoTest {

    /** The test profile's software GSO: per segment and per byte (thousandths of a cycle). */
    private static final long GSO_PER_SEGMENT = 1000;
    private static final long GSO_PER_BYTE_MILLI = 1000;
    private static final long PPPOE = 1000;

    private static RouterResults upload(final boolean pppoe) {
        final RouterConfig base = RouterFixtures.config(1, 1, 1000 * RouterFixtures.MBIT, pppoe, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 1, 8, RouterConfig.Direction.UPLOAD)),
                400_000_000L, 3);
        final CostTable costs = base.profile().costs().copy().set(CostStage.GSO, 0, GSO_PER_SEGMENT,
                GSO_PER_BYTE_MILLI);
        return new RouterSimulation(RouterFixtures.withProfile(base, base.profile().costs(costs.freeze()).rpsCpus(0x4),
                RouterConfig.Outputs.NONE)).run(ProgressListener.NONE);
    }

    private static long gro(final RouterResults r, final String name) {
        return r.gro().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().value();
    }

    /**
     * Every packet the router forwards crosses the PPPoE layer once, a data segment on its way out (encapsulated
     * alone after GSO) as an ACK on its way in: the ppp stage's cycles are one charge per forwarded packet, not per
     * aggregate. Before, an aggregate of n segments paid the ppp, VLAN, qdisc and driver work of one.
     */
    @Test
    void shouldChargeEverySegmentOfAnAggregateItsOwnTransmitThroughThePppDevice() {
        final RouterResults r = upload(true);
        final long merged = gro(r, "merged");
        assertThat(merged).as("segments GRO merged into aggregates").isGreaterThan(r.forwardedPackets() / 4);
        assertThat((double) stage(r, "pppoe") / PPPOE)
                .as("PPPoE passes against %d forwarded packets", r.forwardedPackets())
                .isCloseTo(r.forwardedPackets(), org.assertj.core.data.Percentage.withPercentage(1));
        // skb_segment: at least the per-segment part for every merged segment and its head, and a copied payload
        assertThat(stage(r, "gso")).isGreaterThan(GSO_PER_SEGMENT * merged + merged * 1000 * GSO_PER_BYTE_MILLI / 1000);
    }

    /** Without PPPoE the dial is eth0's VLAN, which takes the aggregate whole (TSO): no software GSO. */
    @Test
    void shouldNotSegmentInSoftwareWhereTheDeviceTakesTheAggregate() {
        final RouterResults r = upload(false);
        assertThat(gro(r, "merged")).isGreaterThan(r.forwardedPackets() / 4);
        assertThat(stage(r, "gso")).isZero();
    }
}
