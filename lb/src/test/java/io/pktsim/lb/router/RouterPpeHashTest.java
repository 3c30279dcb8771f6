package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.flow.FlowKey;
import io.pktsim.lb.ecmp.EcmpSelector;
import io.pktsim.lb.ecmp.Ipv4MultipathRoute;
import io.pktsim.lb.ecmp.Ipv6MultipathRoute;
import io.pktsim.lb.ecmp.MultipathHash;
import io.pktsim.nic.ppe.PpeConfig;
import io.pktsim.nic.ppe.PpeFlowTable;
import io.pktsim.stack.fib.MultipathLookup;
import io.pktsim.stack.profile.DeviceProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On an MT7621 ({@code mtk_eth_soc}) every TCP/UDP frame reaches the CPU with the PPE's FOE entry, and
 * {@code mtk_poll_rx()} makes it the skb's L4 hash ({@code jhash_1word(entry, 0)}, Linux 6.18). ECMP policy 1
 * then takes {@code skb->hash >> 1} ({@code fib_multipath_hash()}, {@code rt6_multipath_hash()}): a connection's
 * dial follows the entry of its first packet, not the boot-random {@code fib_multipath_hash_seed}.
 */
class RouterPpeHashTest {

    private static final Pattern DIAL_ECMP =
            Pattern.compile("\"kind\":\"dial_ecmp\",\"flow\":(\\d+),\"dial\":(\\d+),\"hash31\":(\\d+)");

    @TempDir
    Path tmp;

    static DeviceProfile k2pLike() {
        return RouterFixtures.mt7621Like().driverName("mtk_eth_soc");
    }

    static RouterConfig config(final DeviceProfile p, final boolean ipv6, final long hashSeed, final long seed,
            final RouterConfig.Outputs outputs) {
        return new RouterConfig(p, new RouterConfig.Lan(8, 1_000_000_000L),
                new RouterConfig.Wan(4, 2, 100 * RouterFixtures.MBIT, 0, true, 1492, 20_000_000L, 16),
                ipv6, new RouterConfig.Balancing(RouterConfig.BalanceMode.ECMP, 1, hashSeed, false, 0),
                RouterConfig.OffloadMode.NONE, new RouterConfig.Firewall(RouterConfig.FirewallKind.FW3, 16384),
                RouterConfig.QdiscKind.FQ_CODEL,
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.BROWSER, 3, 6, RouterConfig.Direction.DOWNLOAD),
                        RouterFixtures.udp(2, 2, 2 * RouterFixtures.MBIT, 1200)),
                60_000_000L, 15_000_000L, seed, 0, outputs);
    }

    /** The first packet's tuple (LAN host to server, before NAT) as the PPE hashes it. */
    static int[] ppeTuple(final RouterSimulation sim, final int f, final boolean ipv6) {
        final int ports = sim.sportOf(f) << 16 | 443;
        if (!ipv6) {
            return new int[] {sim.hostIpOf(f), sim.serverIpOf(f), ports};
        }
        final long sHi = RouterSimulation.HOST6_HI;
        final long sLo = sim.host6LoOf(f);
        final long dHi = RouterSimulation.SERVER6_HI;
        final long dLo = sim.server6LoOf(f);
        return new int[] {
            PpeFlowTable.ipv6Src((int) (sHi >>> 32), (int) sHi, (int) dHi),
            PpeFlowTable.ipv6Dst((int) (dHi >>> 32), (int) (sLo >>> 32), (int) (dLo >>> 32)),
            PpeFlowTable.ipv6Ports((int) sLo, (int) dLo, ports)};
    }

    /** The kernel's ECMP over the router's 8 dials, policy 1, keyed with the run's multipath seed. */
    static EcmpSelector kernelEcmp(final RouterSimulation sim, final boolean ipv6) {
        final int fam = ipv6 ? FlowKey.FAMILY_IPV6 : FlowKey.FAMILY_IPV4;
        final int[] ones = {1, 1, 1, 1, 1, 1, 1, 1};
        return new EcmpSelector(new MultipathHash(fam, 1, MultipathHash.FIELDS_DEFAULT, sim.multipathHashSeed()),
                ipv6 ? new Ipv6MultipathRoute(ones) : new Ipv4MultipathRoute(ones));
    }

    /**
     * Flow {@code f}'s nexthop as the kernel picks it from its first packet's fields (hashed with the seed) and
     * from the L4 {@code skb->hash} the packet carries.
     *
     * @return {by the seed-keyed hash, by skbHash}
     */
    static int[] kernelChoice(final EcmpSelector kernel, final RouterSimulation sim, final int f, final boolean ipv6,
            final boolean udp, final int skbHash) {
        final MultipathLookup lookup = new MultipathLookup();
        final int proto = udp ? FlowKey.PROTO_UDP : FlowKey.PROTO_TCP;
        if (ipv6) {
            lookup.reset().key().setIpv6(RouterSimulation.HOST6_HI, sim.host6LoOf(f), RouterSimulation.SERVER6_HI,
                    sim.server6LoOf(f), proto, sim.sportOf(f), 443, sim.flowLabelOf(f));
        } else {
            lookup.reset().key().setIpv4(sim.hostIpOf(f), sim.serverIpOf(f), proto, sim.sportOf(f), 443);
        }
        final int bySeed = kernel.selectNexthop(lookup);
        lookup.skbHash(skbHash, true);
        return new int[] {bySeed, kernel.selectNexthop(lookup)};
    }

    static Map<Integer, long[]> dialPicks(final Path trace) throws IOException {
        final Map<Integer, long[]> picks = new HashMap<>();
        for (final String line : Files.readAllLines(trace, StandardCharsets.UTF_8)) {
            final Matcher m = DIAL_ECMP.matcher(line);
            if (m.find()) {
                picks.put(Integer.parseInt(m.group(1)), new long[] {Long.parseLong(m.group(2)),
                    Long.parseLong(m.group(3))});
            }
        }
        return picks;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldPickEachConnectionsDialWithTheSkbHashOfItsPpeEntry(final boolean ipv6) throws IOException {
        final Path trace = tmp.resolve("trace-" + ipv6 + ".jsonl");
        final RouterConfig c = config(k2pLike(), ipv6, 0, 3, new RouterConfig.Outputs(null, trace));
        final RouterSimulation sim = new RouterSimulation(c);
        final RouterResults r = sim.run(ProgressListener.NONE);
        final Map<Integer, long[]> picks = dialPicks(trace);
        assertThat(picks).hasSize(sim.flowCount());

        final PpeFlowTable table = new PpeFlowTable(PpeConfig.mt7621());
        final EcmpSelector kernel = kernelEcmp(sim, ipv6);
        int seedWouldDiffer = 0;
        for (int f = 0; f < sim.flowCount(); f++) {
            final int[] t = ppeTuple(sim, f, ipv6);
            // the entry is the first free way of the tuple's bucket: its first one unless another flow's entry
            // (or a static one) holds it
            final int bucket = table.hash(t[0], t[1], t[2]);
            final long hash31 = picks.get(f)[1];
            final boolean way0 = hash31 == (PpeFlowTable.skbHash(bucket) >>> 1);
            final boolean way1 = hash31 == (PpeFlowTable.skbHash(bucket + 1) >>> 1);
            assertThat(way0 || way1).as("flow %d: hash31 %d from the PPE entry %d or %d", f, hash31, bucket,
                    bucket + 1).isTrue();
            if (table.idleTableIndex(t[0], t[1], t[2]) == bucket) {
                assertThat(way0).as("flow %d in the first way", f).isTrue();
            }
            final int entry = way0 ? bucket : bucket + 1;
            final int[] choice = kernelChoice(kernel, sim, f, ipv6, r.flows().get(f).udp(),
                    PpeFlowTable.skbHash(entry));
            final int bySeed = choice[0];
            final int byPpe = choice[1];
            assertThat(picks.get(f)[0]).as("flow %d's dial", f).isEqualTo(byPpe);
            assertThat(r.flows().get(f).dial()).isEqualTo(byPpe);
            if (bySeed != byPpe) {
                seedWouldDiffer++;
            }
        }
        // the five-tuple hash keyed by the seed would have put some of these connections elsewhere
        assertThat(seedWouldDiffer).isPositive();
    }

    @Test
    void shouldChooseTheSameDialsWhateverTheHashSeedOnAPpeSocButNotWithout() {
        final List<RouterResults.Flow> a = new RouterSimulation(config(k2pLike(), true, 0x1111, 4,
                RouterConfig.Outputs.NONE)).run(ProgressListener.NONE).flows();
        final List<RouterResults.Flow> b = new RouterSimulation(config(k2pLike(), true, 0x2222, 4,
                RouterConfig.Outputs.NONE)).run(ProgressListener.NONE).flows();
        assertThat(b.stream().map(RouterResults.Flow::dial).toList())
                .isEqualTo(a.stream().map(RouterResults.Flow::dial).toList());
        final List<RouterResults.Flow> x = new RouterSimulation(config(RouterFixtures.mt7621Like(), true, 0x1111, 4,
                RouterConfig.Outputs.NONE)).run(ProgressListener.NONE).flows();
        final List<RouterResults.Flow> y = new RouterSimulation(config(RouterFixtures.mt7621Like(), true, 0x2222, 4,
                RouterConfig.Outputs.NONE)).run(ProgressListener.NONE).flows();
        assertThat(y.stream().map(RouterResults.Flow::dial).toList())
                .isNotEqualTo(x.stream().map(RouterResults.Flow::dial).toList());
    }
}
