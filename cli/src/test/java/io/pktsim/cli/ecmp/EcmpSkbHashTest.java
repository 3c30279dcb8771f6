package io.pktsim.cli.ecmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.pktsim.cli.PktsimMain;
import io.pktsim.core.flow.InetText;
import io.pktsim.lb.ecmp.EcmpSelector;
import io.pktsim.lb.ecmp.Ipv4MultipathRoute;
import io.pktsim.lb.ecmp.Ipv6MultipathRoute;
import io.pktsim.lb.ecmp.MultipathHash;
import io.pktsim.nic.ppe.PpeConfig;
import io.pktsim.nic.ppe.PpeFlowTable;
import io.pktsim.stack.fib.MultipathLookup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code pktsim ecmp} with an L4 {@code skb->hash}: the {@code skb_hash} column and {@code --skb-hash ppe} (the
 * K2P's MT7621 PPE, {@code jhash_1word(foe, 0)} from {@code mtk_poll_rx()}, Linux 6.18). Policy 1 on a forwarded
 * packet takes {@code skb->hash >> 1}; the other policies and the flow path ({@code --local}) never read it.
 */
class EcmpSkbHashTest {

    /** 192.168.1.2:40000 -> 93.184.216.34:443 TCP (PpeSkbHashTest's IPv4 vector). */
    static final String V4 = "192.168.1.2,93.184.216.34,tcp,40000,443";
    /** 2001:db8:1::c0a8:102:40000 -> 2606:2800::5db8:d822:443 TCP (PpeSkbHashTest's IPv6 vector). */
    static final String V6 = "2001:db8:1::c0a8:102,2606:2800::5db8:d822,tcp,40000,443";
    static final String WEIGHTS = "3,1,4,1,5,9,2,6";

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {

        /** The data rows split into fields (header skipped). */
        List<String[]> rows() {
            return out.lines().skip(1).map(s -> s.split(",", -1)).toList();
        }
    }

    private static Run run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = PktsimMain.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    private static Run ecmp(final String family, final int policy, final String seed, final Path flows,
        final String... extra) {
        final List<String> args = new ArrayList<>(List.of("ecmp", "--family", family, "--policy",
            Integer.toString(policy), "--seed", seed, "--nexthops", WEIGHTS, "--flows", flows.toString()));
        args.addAll(List.of(extra));
        final Run r = run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        return r;
    }

    private static Path example() {
        final String root = System.getProperty("pktsim.root", "..");
        return Path.of(root, "docs", "examples", "ecmp-flows.csv");
    }

    private Path write(final String name, final String csv) throws IOException {
        final Path f = tmp.resolve(name);
        Files.writeString(f, csv);
        return f;
    }

    /** The example flows with a skb_hash column: a spread of values, 0, 0xffffffff, and one empty cell. */
    private Path exampleWithSkbHash(final long[] values) throws IOException {
        final List<String> in = Files.readAllLines(example(), StandardCharsets.UTF_8);
        final StringBuilder s = new StringBuilder(in.get(0)).append(",skb_hash\n");
        for (int i = 1; i < in.size(); i++) {
            final long v = values[i - 1];
            final String cell = v < 0 ? "" : i % 2 == 0 ? Long.toString(v) : String.format("0x%x", v);
            s.append(in.get(i)).append(',').append(cell).append('\n');
        }
        return write("with-skb-hash.csv", s.toString());
    }

    private static long[] skbHashValues(final int n) {
        final long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = (0x9E37_79B9L * (i + 1)) & 0xFFFF_FFFFL;
        }
        v[1] = 0;
        v[2] = 0xFFFF_FFFFL;
        v[5] = -1;
        return v;
    }

    private static MultipathLookup ipv4Lookup(final String[] f) {
        final int proto = switch (f[2]) {
            case "tcp" -> 6;
            case "udp" -> 17;
            case "icmp" -> 1;
            default -> Integer.parseInt(f[2]);
        };
        final MultipathLookup l = new MultipathLookup();
        l.key().setIpv4(InetText.parseIpv4(f[0]), InetText.parseIpv4(f[1]), proto, Integer.parseInt(f[3]),
            Integer.parseInt(f[4]));
        return l;
    }

    @Test
    void shouldTakeTheSkbHashShiftedRightByOneUnderPolicy1() throws IOException {
        final int n = Files.readAllLines(example(), StandardCharsets.UTF_8).size() - 1;
        final long[] values = skbHashValues(n);
        final Path flows = exampleWithSkbHash(values);
        final Run with = ecmp("ipv4", 1, "0x12345678", flows);
        final Run without = ecmp("ipv4", 1, "0x12345678", example());
        assertThat(with.out().lines().findFirst().orElseThrow())
            .isEqualTo("src,dst,proto,sport,dport,skb_hash,hash,nexthop");
        final Ipv4MultipathRoute route = new Ipv4MultipathRoute(3, 1, 4, 1, 5, 9, 2, 6);
        final List<String[]> rows = with.rows();
        assertThat(rows).hasSize(n);
        for (int i = 0; i < n; i++) {
            final String[] f = rows.get(i);
            final int hash = Integer.parseInt(f[6]);
            final int nexthop = Integer.parseInt(f[7]);
            if (values[i] < 0) {
                // an empty cell: no skb->hash, the five-tuple is hashed as without the column
                assertThat(f[5]).isEmpty();
                assertThat(f[6] + "," + f[7]).isEqualTo(String.join(",", without.rows().get(i)[5],
                    without.rows().get(i)[6]));
            } else {
                assertThat(hash).as("row %d", i + 1).isEqualTo((int) (values[i] >>> 1));
                assertThat(nexthop).as("row %d", i + 1).isEqualTo(route.choose(hash, ipv4Lookup(f)));
            }
        }
        // the ICMP ping (last row) carries a hash too: the kernel checks skb->l4_hash only, not the protocol
        assertThat(Integer.parseInt(rows.get(n - 1)[6])).isEqualTo((int) (values[n - 1] >>> 1));
    }

    @Test
    void shouldChangeNothingUnderPolicies023OrOnTheFlowPath() throws IOException {
        final int n = Files.readAllLines(example(), StandardCharsets.UTF_8).size() - 1;
        final Path flows = exampleWithSkbHash(skbHashValues(n));
        for (final int policy : new int[] {0, 2, 3}) {
            final Run with = ecmp("ipv4", policy, "0x12345678", flows, "--hash-fields", "0x37");
            final Run without = ecmp("ipv4", policy, "0x12345678", example(), "--hash-fields", "0x37");
            assertThat(hashAndNexthop(with, 6)).as("policy %d", policy).isEqualTo(hashAndNexthop(without, 5));
        }
        // --local: no received packet, fib_multipath_hash() has no skb and hashes the flowi4's fields
        final Run local = ecmp("ipv4", 1, "0x12345678", flows, "--local");
        final Run localWithout = ecmp("ipv4", 1, "0x12345678", example(), "--local");
        assertThat(hashAndNexthop(local, 6)).isEqualTo(hashAndNexthop(localWithout, 5));
        // ... whereas a forwarded packet under policy 1 does read it
        final Run forwarded = ecmp("ipv4", 1, "0x12345678", flows);
        assertThat(hashAndNexthop(forwarded, 6)).isNotEqualTo(hashAndNexthop(localWithout, 5));
    }

    private static List<String> hashAndNexthop(final Run r, final int from) {
        return r.rows().stream().map(f -> f[from] + "," + f[from + 1]).toList();
    }

    @Test
    void shouldTakeAnIpv6SkbHashUnderPolicy1() throws IOException {
        final Path flows = write("v6.csv", "src,dst,proto,sport,dport,flowlabel,skb_hash\n"
            + V6 + ",0x12345,0xf6342e3a\n" + V6 + ",0x12345,\n");
        final Run r = ecmp("ipv6", 1, "1", flows);
        final Run p0 = ecmp("ipv6", 0, "1", flows);
        final Path plain = write("v6-plain.csv", "src,dst,proto,sport,dport,flowlabel\n" + V6 + ",0x12345\n");
        final Run p0plain = ecmp("ipv6", 0, "1", plain);
        assertThat(r.rows().get(0)[7]).isEqualTo(Integer.toString(0xf634_2e3a >>> 1));
        assertThat(r.rows().get(1)[7]).isNotEqualTo(Integer.toString(0xf634_2e3a >>> 1));
        assertThat(p0.rows().get(0)[7]).isEqualTo(p0plain.rows().get(0)[6]).isEqualTo(p0.rows().get(1)[7]);
    }

    @Test
    void shouldGiveTheFoeAndSkbHashOfTheK2pPpe() throws IOException {
        final Path v4 = write("v4.csv", "src,dst,proto,sport,dport\n" + V4 + "\n"
            + "192.168.1.2,93.184.216.34,icmp,0,0\n");
        final Run r4 = ecmp("ipv4", 1, "0x12345678", v4, "--skb-hash", "ppe");
        assertThat(r4.out().lines().findFirst().orElseThrow())
            .isEqualTo("src,dst,proto,sport,dport,foe,skb_hash,hash,nexthop");
        final String[] a = r4.rows().get(0);
        assertThat(a[5]).isEqualTo("1838");
        assertThat(a[6]).isEqualTo("0x29f559c7");
        assertThat(a[7]).isEqualTo(Integer.toString(0x29f5_59c7 >>> 1));
        final MultipathLookup l4 = ipv4Lookup(a).skbHash(0x29f5_59c7, true);
        final EcmpSelector sel4 = new EcmpSelector(new MultipathHash(4, 1, 7, 0x12345678L),
            new Ipv4MultipathRoute(3, 1, 4, 1, 5, 9, 2, 6));
        assertThat(Integer.parseInt(a[8])).isEqualTo(sel4.selectNexthop(l4));
        // the ping: no FOE entry, no skb->hash, hashed as without the option
        final String[] icmp = r4.rows().get(1);
        assertThat(icmp[5]).isEmpty();
        assertThat(icmp[6]).isEmpty();
        final Run plain4 = ecmp("ipv4", 1, "0x12345678", v4);
        assertThat(icmp[7] + "," + icmp[8]).isEqualTo(plain4.rows().get(1)[5] + "," + plain4.rows().get(1)[6]);

        final Path v6 = write("v6.csv", "src,dst,proto,sport,dport,flowlabel\n" + V6 + ",0x12345\n");
        final Run r6 = ecmp("ipv6", 1, "0x12345678", v6, "--skb-hash", "ppe");
        final String[] b = r6.rows().get(0);
        assertThat(b[6]).isEqualTo("5296");
        assertThat(b[7]).isEqualTo("0xf6342e3a");
        assertThat(b[8]).isEqualTo(Integer.toString(0xf634_2e3a >>> 1));
        final byte[] s = InetText.parseIpv6("2001:db8:1::c0a8:102");
        final byte[] d = InetText.parseIpv6("2606:2800::5db8:d822");
        final MultipathLookup l6 = new MultipathLookup();
        l6.key().setIpv6(InetText.hi(s), InetText.lo(s), InetText.hi(d), InetText.lo(d), 6, 40000, 443, 0x12345);
        l6.skbHash(0xf634_2e3a, true);
        final EcmpSelector sel6 = new EcmpSelector(new MultipathHash(6, 1, 7, 0x12345678L),
            new Ipv6MultipathRoute(3, 1, 4, 1, 5, 9, 2, 6));
        assertThat(Integer.parseInt(b[9])).isEqualTo(sel6.selectNexthop(l6));
    }

    @Test
    void shouldAgreeWithPpeFlowTableOnEveryExampleRow() {
        final Run r = ecmp("ipv4", 1, "0x12345678", example(), "--skb-hash", "ppe");
        final PpeFlowTable ppe = new PpeFlowTable(PpeConfig.mt7621());
        final EcmpSelector sel = new EcmpSelector(new MultipathHash(4, 1, 7, 0x12345678L),
            new Ipv4MultipathRoute(3, 1, 4, 1, 5, 9, 2, 6));
        int withEntry = 0;
        for (final String[] f : r.rows()) {
            final MultipathLookup l = ipv4Lookup(f);
            final int proto = l.key().protocol();
            if (proto == 6 || proto == 17) {
                final int foe = ppe.idleTableIndex(l.key().ipv4Src(), l.key().ipv4Dst(),
                    l.key().srcPort() << 16 | l.key().dstPort());
                assertThat(f[5]).isEqualTo(Integer.toString(foe));
                assertThat(f[6]).isEqualTo(String.format("0x%08x", PpeFlowTable.skbHash(foe)));
                l.skbHash(PpeFlowTable.skbHash(foe), true);
                withEntry++;
            } else {
                assertThat(f[5] + f[6]).isEmpty();
            }
            assertThat(Integer.parseInt(f[8])).isEqualTo(sel.selectNexthop(l));
            assertThat(Integer.parseInt(f[7])).isEqualTo(sel.lastHash31());
        }
        assertThat(withEntry).isEqualTo(11);
    }

    @Test
    void shouldMakeTheNexthopsOfTcpAndUdpRowsIndependentOfTheSeedUnderPpe() {
        final List<String> a = tcpUdpNexthops(ecmp("ipv4", 1, "0x12345678", example(), "--skb-hash", "ppe"), 8);
        final List<String> b = tcpUdpNexthops(ecmp("ipv4", 1, "0xdeadbeef", example(), "--skb-hash", "ppe"), 8);
        assertThat(a).hasSize(11).isEqualTo(b);
        final List<String> c = tcpUdpNexthops(ecmp("ipv4", 1, "0x12345678", example()), 6);
        final List<String> d = tcpUdpNexthops(ecmp("ipv4", 1, "0xdeadbeef", example()), 6);
        assertThat(c).hasSize(11).isNotEqualTo(d);
    }

    private static List<String> tcpUdpNexthops(final Run r, final int column) {
        return r.rows().stream().filter(f -> !"icmp".equals(f[2])).map(f -> f[column]).toList();
    }

    @Test
    void shouldExplainTheSkbHashAndKeepTheSummaries() throws IOException {
        final Path v4 = write("v4.csv", "src,dst,proto,sport,dport\n" + V4 + "\n"
            + "192.168.1.2,93.184.216.34,icmp,0,0\n");
        final Run e = ecmp("ipv4", 1, "1", v4, "--skb-hash", "ppe", "--explain");
        final String[] blocks = e.out().split("\\R\\R");
        assertThat(blocks).hasSize(2);
        assertThat(blocks[0]).contains("FOE entry 1838", "jhash_1word(1838, 0) = 0x29f559c7",
            "fib_multipath_hash() returns skb->hash >> 1", "the flow's fields are not hashed",
            "  >> 1 -> hash " + (0x29f5_59c7 >>> 1) + " (").doesNotContain("SipHash-2-4 ->");
        assertThat(blocks[1]).contains("protocol 1 gets none").contains("SipHash-2-4 ->")
            .doesNotContain("returns skb->hash >> 1");

        final Run p0 = ecmp("ipv4", 0, "1", v4, "--skb-hash", "ppe", "--explain");
        assertThat(p0.out().split("\\R\\R")[0]).contains("policy 0 does not read skb->hash", "SipHash-2-4 ->");
        final Run local = ecmp("ipv4", 1, "1", v4, "--skb-hash", "ppe", "--explain", "--local");
        assertThat(local.out().split("\\R\\R")[0]).contains("no skb->hash is read", "SipHash-2-4 ->");
        final Path col = write("col.csv", "src,dst,proto,sport,dport,skb_hash\n" + V4 + ",0x29f559c7\n");
        final Run c = ecmp("ipv4", 1, "1", col, "--explain");
        assertThat(c.out()).contains("skb->hash 0x29f559c7 with skb->l4_hash set (the skb_hash column",
            "returns skb->hash >> 1", "  >> 1 -> hash " + (0x29f5_59c7 >>> 1) + " (");

        final Run summary = ecmp("ipv4", 1, "1", example(), "--skb-hash", "ppe", "--summary");
        assertThat(summary.out().lines().count()).isEqualTo(13);
        assertThat(summary.err()).startsWith("nexthop,weight,flows,share,expected_share");
        final Run only = ecmp("ipv4", 1, "1", example(), "--skb-hash", "ppe", "--summary-only");
        assertThat(only.out()).startsWith("nexthop,weight,flows,share,expected_share").contains("imbalance,");
        // the flow counts come from the printed nexthops: the same as the rows of the normal output
        final long[] counts = new long[8];
        summary.rows().forEach(f -> counts[Integer.parseInt(f[8])]++);
        for (int i = 0; i < 8; i++) {
            assertThat(only.out().lines().skip(1 + i).findFirst().orElseThrow().split(",")[2])
                .isEqualTo(Long.toString(counts[i]));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not a number  | skb_hash | 0x10 | 12ab   |      | line 3: skb_hash '12ab' is not a number",
        "bad hex       | skb_hash | 0x10 | 0xfffg |      | line 3: skb_hash '0xfffg' is not a number",
        "too big       | skb_hash | 0x10 | 0x100000000 | | line 3: skb_hash 0x100000000 is out of range 0..0xffffffff",
        "too big dec   | skb_hash | 1    | 4294967296  | | line 3: skb_hash 4294967296 is out of range",
        "negative      | skb_hash | 1    | -1     |      | line 3: skb_hash -1 is out of range",
        "unknown mode  | dport    | 443  | 443    | rss  | --skb-hash must be none or ppe, not 'rss'",
        "both          | skb_hash | 1    | 2      | ppe  | --skb-hash ppe computes each flow's skb->hash, but line 1",
    })
    void shouldRejectBadSkbHashInputWithExit2OneLineAndNoRows(final String what, final String column,
        final String good, final String bad, final String mode, final String message) throws IOException {
        // the bad value is on line 3, after a good row: a command that printed as it went would print that row
        final String header = "skb_hash".equals(column) ? "src,dst,proto,sport,dport,skb_hash"
            : "src,dst,proto,sport,dport";
        final String row = "skb_hash".equals(column) ? V4 + "," : "192.168.1.2,93.184.216.34,tcp,40000,";
        final Path f = write("bad.csv", header + "\n" + row + good + "\n" + row + bad + "\n");
        final List<String> args = new ArrayList<>(List.of("ecmp", "--family", "ipv4", "--policy", "1", "--seed",
            "7", "--nexthops", "1,1", "--summary", "--flows", f.toString()));
        if (mode != null) {
            args.add("--skb-hash");
            args.add(mode);
        }
        final Run r = run(args.toArray(String[]::new));
        assertThat(r.code()).as(what).isEqualTo(2);
        assertThat(r.out()).as(what).isEmpty();
        assertThat(r.err().lines().count()).as(what).isEqualTo(1);
        assertThat(r.err()).as(what).startsWith("pktsim ecmp: ").contains(message);
    }
}
