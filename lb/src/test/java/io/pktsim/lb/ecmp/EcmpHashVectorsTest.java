package io.pktsim.lb.ecmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import io.pktsim.core.flow.FlowKey;
import io.pktsim.core.flow.InetText;
import io.pktsim.stack.fib.MultipathLookup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reproduces every stage of the 96 rows of shared/reference/ecmp-hash-vectors.csv (copied into the test
 * resources): key word, hashed bytes, SipHash output, 32- and 31-bit hash, upper bounds, nexthop index
 * (model and live kernel).
 */
class EcmpHashVectorsTest {

    record Row(int line, String[] f) {
        @Override
        public String toString() {
            return "line " + line + ": " + f[0] + "/p" + f[1] + " " + f[3] + " > " + f[4] + " nh " + f[14];
        }
    }

    static Stream<Row> rows() throws IOException {
        final List<Row> rows = new ArrayList<>();
        try (InputStream in = EcmpHashVectorsTest.class.getResourceAsStream("ecmp-hash-vectors.csv");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            final String header = r.readLine();
            assertThat(header).startsWith("family,policy,seed,src,dst");
            String line;
            int n = 1;
            while ((line = r.readLine()) != null) {
                n++;
                if (!line.isBlank()) {
                    rows.add(new Row(n, line.strip().split(",", -1)));
                }
            }
        }
        return rows.stream();
    }

    @Test
    void shouldHaveAll96Rows() throws IOException {
        assertThat(rows().count()).isEqualTo(96);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void shouldReproduceEveryStage(final Row row) {
        final String[] f = row.f();
        final int family = Integer.parseInt(f[0]);
        final int policy = Integer.parseInt(f[1]);
        final long seed = Long.parseLong(f[2]);
        final int proto = Integer.parseInt(f[5]);
        final int sport = Integer.parseInt(f[6]);
        final int dport = Integer.parseInt(f[7]);
        final int label = Integer.parseInt(f[8]);

        final MultipathHash hash = new MultipathHash(family, policy, MultipathHash.FIELDS_DEFAULT, seed);
        assertThat(hash.keyWord()).as("key word").isEqualTo(Long.parseUnsignedLong(f[9], 16));

        final MultipathLookup lookup = new MultipathLookup().reset();
        if (family == 4) {
            lookup.key().setIpv4(InetText.parseIpv4(f[3]), InetText.parseIpv4(f[4]), proto, sport, dport);
            lookup.packetPath(true); // IPv4 ip route get builds a packet
        } else {
            final byte[] s = InetText.parseIpv6(f[3]);
            final byte[] d = InetText.parseIpv6(f[4]);
            lookup.key().setIpv6(InetText.hi(s), InetText.lo(s), InetText.hi(d), InetText.lo(d), proto, sport, dport,
                label);
            lookup.packetPath(false); // IPv6 ip route get has no packet
        }
        final int h31 = hash.hash(lookup);

        final byte[] bytes = new byte[72];
        final int n = hash.lastHashedWords(bytes);
        assertThat(HexFormat.of().formatHex(bytes, 0, n)).as("hashed bytes").isEqualTo(f[10]);
        assertThat(hash.lastSipHash64()).as("siphash64").isEqualTo(Long.parseUnsignedLong(f[11], 16));
        assertThat(Integer.toUnsignedLong(hash.lastHash32())).as("hash32").isEqualTo(Long.parseLong(f[12]));
        assertThat(h31).as("hash31").isEqualTo(Integer.parseInt(f[13]));

        final String[] w = f[14].split("/");
        final int[] weights = new int[w.length];
        for (int i = 0; i < w.length; i++) {
            weights[i] = Integer.parseInt(w[i]);
        }
        final String[] ub = f[15].split("/");
        final NexthopChooser route;
        if (family == 4) {
            final Ipv4MultipathRoute r = new Ipv4MultipathRoute(weights);
            for (int i = 0; i < ub.length; i++) {
                assertThat(r.upperBound(i)).as("upper bound %d", i).isEqualTo(Integer.parseInt(ub[i]));
            }
            route = r;
        } else {
            final Ipv6MultipathRoute r = new Ipv6MultipathRoute(weights);
            for (int i = 0; i < ub.length; i++) {
                assertThat(r.upperBound(i)).as("upper bound %d", i).isEqualTo(Integer.parseInt(ub[i]));
            }
            route = r;
        }
        final int chosen = route.choose(h31, lookup);
        assertThat(chosen).as("model nexthop").isEqualTo(Integer.parseInt(f[16]));
        assertThat(chosen).as("kernel nexthop").isEqualTo(Integer.parseInt(f[17]));
        assertThat(new EcmpSelector(hash, route).selectNexthop(lookup)).isEqualTo(chosen);
        assertThat(FlowKey.FAMILY_IPV4 == family || FlowKey.FAMILY_IPV6 == family).isTrue();
    }
}
