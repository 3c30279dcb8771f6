package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The FIB rules mwan3 installs cost a packet by where it arrived: a download arriving on dial id k stops at its
 * {@code iif} rule (the local rule plus k checks), an upload from the LAN fails all N {@code iif} rules and walks
 * the {@code fwmark} rules up to k (router-facts.md section 9: about N/2 to 1.5N checks).
 */
class RouterMwan3RuleCostTest {

    private static final long FIB_RULE_CYCLES = 150;
    private static final int DIALS = 4;

    @ParameterizedTest
    @EnumSource(value = RouterConfig.Direction.class, names = {"DOWNLOAD", "UPLOAD"})
    void shouldChargeTheFibRulesThePacketWalks(final RouterConfig.Direction dir) {
        final RouterConfig.App udp = new RouterConfig.App(RouterConfig.AppKind.UDP_CBR, 1, 1, dir,
                RouterConfig.CongestionControl.NEWRENO, 10 * RouterFixtures.MBIT, 1000, 0);
        final RouterResults r = new RouterSimulation(RouterFixtures.config(2, 2, 100 * RouterFixtures.MBIT, true,
                false, RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.mwan3(), List.of(udp), 200_000_000L, 5))
                .run(ProgressListener.NONE);
        final int id = r.flows().get(0).dial() + 1;
        final long perPacket = dir == RouterConfig.Direction.DOWNLOAD ? 1 + id : 1 + DIALS + id;
        final long cycles = r.stages().stream().filter(s -> s.name().equals("fib_rule")).findFirst().orElseThrow()
                .cycles();
        assertThat(r.forwardedPackets()).isGreaterThan(100);
        assertThat(cycles).isEqualTo(r.forwardedPackets() * perPacket * FIB_RULE_CYCLES);
    }
}
