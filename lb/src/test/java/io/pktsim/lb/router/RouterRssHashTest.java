package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.hash.Toeplitz;
import io.pktsim.lb.ecmp.EcmpSelector;
import io.pktsim.stack.profile.DeviceProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On the x86 profile (mlx5) every TCP/UDP frame reaches the stack with the NIC's RSS hash, Toeplitz over its
 * addresses and ports keyed with the boot's {@code netdev_rss_key}, typed L4 ({@code mlx5e_skb_set_hash()}); a
 * PPPoE session frame gets none. ECMP policy 1 then takes {@code skb->hash >> 1} of each connection's first packet
 * (the SYN from the LAN), as on a K2P with the PPE's hash.
 */
class RouterRssHashTest {

    @TempDir
    Path tmp;

    static DeviceProfile x86Like() {
        return RouterFixtures.mt7621Like().driverName("mlx5_core");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldPickEachConnectionsDialWithTheToeplitzHashOfItsFirstPacket(final boolean ipv6) throws IOException {
        final Path trace = tmp.resolve("trace-" + ipv6 + ".jsonl");
        final RouterConfig c = RouterPpeHashTest.config(x86Like(), ipv6, 0, 5, new RouterConfig.Outputs(null, trace));
        final RouterSimulation sim = new RouterSimulation(c);
        final RouterResults r = sim.run(ProgressListener.NONE);
        final Map<Integer, long[]> picks = RouterPpeHashTest.dialPicks(trace);
        assertThat(picks).hasSize(sim.flowCount());

        final Toeplitz nic = new Toeplitz(RouterSimulation.rssKey(5, 0));
        final EcmpSelector kernel = RouterPpeHashTest.kernelEcmp(sim, ipv6);
        int seedWouldDiffer = 0;
        for (int f = 0; f < sim.flowCount(); f++) {
            final int rss = ipv6
                    ? nic.hashIpv6(RouterSimulation.HOST6_HI, sim.host6LoOf(f), RouterSimulation.SERVER6_HI,
                            sim.server6LoOf(f), sim.sportOf(f), 443, true)
                    : nic.hashIpv4(sim.hostIpOf(f), sim.serverIpOf(f), sim.sportOf(f), 443, true);
            assertThat(picks.get(f)[1]).as("flow %d's hash31", f).isEqualTo((rss & 0xFFFF_FFFFL) >>> 1);
            final int[] choice = RouterPpeHashTest.kernelChoice(kernel, sim, f, ipv6, r.flows().get(f).udp(), rss);
            final int bySeed = choice[0];
            final int byRss = choice[1];
            assertThat(picks.get(f)[0]).as("flow %d's dial", f).isEqualTo(byRss);
            assertThat(r.flows().get(f).dial()).isEqualTo(byRss);
            seedWouldDiffer += bySeed != byRss ? 1 : 0;
        }
        assertThat(seedWouldDiffer).as("the seed-keyed five-tuple hash would differ").isPositive();
    }

    /** The RSS key is the boot's: the same for a seed and run, another for another run; the hash seed plays no part. */
    @Test
    void shouldKeyTheHashWithTheBootsRssKeyNotTheMultipathSeed() {
        assertThat(RouterSimulation.rssKey(5, 0)).hasSize(40).isEqualTo(RouterSimulation.rssKey(5, 0))
                .isNotEqualTo(RouterSimulation.rssKey(5, 1)).isNotEqualTo(RouterSimulation.rssKey(6, 0));
        final List<RouterResults.Flow> a = new RouterSimulation(RouterPpeHashTest.config(x86Like(), false, 0x1111, 4,
                RouterConfig.Outputs.NONE)).run(ProgressListener.NONE).flows();
        final List<RouterResults.Flow> b = new RouterSimulation(RouterPpeHashTest.config(x86Like(), false, 0x2222, 4,
                RouterConfig.Outputs.NONE)).run(ProgressListener.NONE).flows();
        assertThat(a).extracting(RouterResults.Flow::dial).isEqualTo(b.stream().map(RouterResults.Flow::dial).toList());
    }
}
