package io.pktsim.cli.ecmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.pktsim.cli.PktsimMain;
import io.pktsim.core.hash.Jhash;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code pktsim ecmp --explain}: every stage it prints equals the kernel-verified vectors of
 * shared/reference/ecmp-hash-vectors.csv (copied into the test resources), and its nexthops equal the CSV output's.
 */
class EcmpExplainTest {

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    /** The stages one block prints; -1 / null where the block has none. */
    record Block(String bytesHex, String sipHex, long hash32, long jhash, int hash31, List<Integer> bounds,
                 int nexthop) {
    }

    private static Run run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = PktsimMain.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    private static final Pattern BYTES = Pattern.compile("^  flow_keys bytes hashed \\((\\d+) bytes.*: ([0-9a-f]+)$");
    private static final Pattern SIP = Pattern.compile("^  SipHash-2-4 -> 0x([0-9a-f]{16}); low 32 bits (\\d+) .*");
    private static final Pattern JHASH =
        Pattern.compile("^  policy 3 on a packet: jhash_2words\\((\\d+), 0, 0\\) -> (\\d+) .*");
    private static final Pattern SHIFT = Pattern.compile("^  >> 1 -> hash (\\d+) .*");
    private static final Pattern BOUND = Pattern.compile("#(\\d+) weight \\d+ (?:upper bound (\\d+)|dead)");
    private static final Pattern CHOICE = Pattern.compile(".* -> nexthop (\\d+)$");

    /** Splits the output into blocks (one per flow) and parses each. */
    private static List<Block> blocks(final String out) {
        final List<Block> blocks = new ArrayList<>();
        for (final String text : out.split("\\R\\R")) {
            if (!text.isBlank()) {
                blocks.add(parse(text.lines().toList()));
            }
        }
        return blocks;
    }

    private static Block parse(final List<String> lines) {
        assertThat(lines.get(0)).startsWith("flow ");
        String bytes = null;
        String sip = null;
        long hash32 = -1;
        long jhash = -1;
        int hash31 = -1;
        final List<Integer> bounds = new ArrayList<>();
        for (final String line : lines) {
            Matcher m = BYTES.matcher(line);
            if (m.matches()) {
                bytes = m.group(2);
                assertThat(bytes).hasSize(2 * Integer.parseInt(m.group(1)));
            }
            m = SIP.matcher(line);
            if (m.matches()) {
                sip = m.group(1);
                hash32 = Long.parseLong(m.group(2));
            }
            m = JHASH.matcher(line);
            if (m.matches()) {
                // With no outer field selected no SipHash runs and the outer hash is 0.
                assertThat(Long.parseLong(m.group(1))).isEqualTo(hash32 < 0 ? 0 : hash32);
                jhash = Long.parseLong(m.group(2));
            }
            m = SHIFT.matcher(line);
            if (m.matches()) {
                hash31 = Integer.parseInt(m.group(1));
            }
            if (line.startsWith("  nexthops (")) {
                m = BOUND.matcher(line);
                while (m.find()) {
                    assertThat(Integer.parseInt(m.group(1))).isEqualTo(bounds.size());
                    bounds.add(m.group(2) == null ? -1 : Integer.parseInt(m.group(2)));
                }
            }
        }
        final Matcher c = CHOICE.matcher(lines.get(lines.size() - 1));
        assertThat(c.matches()).as(lines.get(lines.size() - 1)).isTrue();
        return new Block(bytes, sip, hash32, jhash, hash31, bounds, Integer.parseInt(c.group(1)));
    }

    /** The rows of ecmp-hash-vectors.csv, split into fields. */
    static List<String[]> vectors() {
        final List<String[]> rows = new ArrayList<>();
        try (InputStream in = EcmpExplainTest.class.getResourceAsStream("ecmp-hash-vectors.csv");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    rows.add(line.strip().split(","));
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    /**
     * Each vector row in four ways: its own policy; policy 2 (a plain packet, or the flow path, hashes as policy
     * 0); policy 3 on the flow path with the fields that make it the row's policy; and, for IPv4, policy 3 on the
     * packet path, whose SipHash stages are the row's and whose {@code jhash_2words} step follows.
     */
    static Stream<Arguments> vectorCases() {
        final List<Arguments> cases = new ArrayList<>();
        int line = 1;
        for (final String[] v : vectors()) {
            line++;
            final boolean ipv4 = "4".equals(v[0]);
            final int policy = Integer.parseInt(v[1]);
            // IPv4 was answered on the packet path, IPv6 on the flow path (reference section 9).
            cases.add(Arguments.of(line, v, String.valueOf(policy), null, !ipv4));
            if (policy == 0) {
                cases.add(Arguments.of(line, v, "2", null, !ipv4));
            }
            final String fields = policy == 1 ? "0x37" : ipv4 ? "0x03" : "0x0f";
            cases.add(Arguments.of(line, v, "3", fields, true));
            if (ipv4) {
                cases.add(Arguments.of(line, v, "3", fields, false));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "vectors line {0}, policy {2} fields {3} local {4}")
    @MethodSource("vectorCases")
    void shouldPrintTheStagesOfTheKernelVectors(final int line, final String[] v, final String policy,
        final String fields, final boolean local) throws IOException {
        final boolean ipv4 = "4".equals(v[0]);
        final Path f = tmp.resolve("flow.csv");
        Files.writeString(f, "src,dst,proto,sport,dport" + (ipv4 ? "" : ",flowlabel") + "\n"
            + String.join(",", Arrays.copyOfRange(v, 3, ipv4 ? 8 : 9)) + "\n");
        final List<String> args = new ArrayList<>(List.of("ecmp", "--explain", "--family", ipv4 ? "ipv4" : "ipv6",
            "--policy", policy, "--seed", v[2], "--nexthops", v[14].replace('/', ','), "--flows", f.toString()));
        if (fields != null) {
            args.add("--hash-fields=" + fields);
        }
        if (local) {
            args.add("--local");
        }
        final Run r = run(args.toArray(new String[0]));
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        final List<Block> blocks = blocks(r.out());
        assertThat(blocks).hasSize(1);
        final Block b = blocks.get(0);
        assertThat(r.out()).contains("k0 = k1 = 0x" + v[9] + " ");
        assertThat(b.bytesHex()).isEqualTo(v[10]);
        assertThat(b.sipHex()).isEqualTo(v[11]);
        assertThat(b.hash32()).isEqualTo(Long.parseLong(v[12]));
        final List<Integer> bounds = Arrays.stream(v[15].split("/")).map(Integer::valueOf).toList();
        assertThat(b.bounds()).isEqualTo(bounds);
        if ("3".equals(policy)) {
            assertThat(r.out().contains("the flow path hashes the outer fields only: no inner fields, no jhash_2words()"
                + " step")).isEqualTo(local);
        }
        if ("3".equals(policy) && !local) {
            // A forwarded packet under policy 3: jhash_2words(outer, 0, 0), then >> 1.
            final int j = Jhash.jhash2Words((int) Long.parseLong(v[12]), 0, 0);
            assertThat(b.jhash()).isEqualTo(Integer.toUnsignedLong(j));
            assertThat(b.hash31()).isEqualTo(j >>> 1);
            int first = 0;
            while (b.hash31() > bounds.get(first)) {
                first++;
            }
            assertThat(b.nexthop()).isEqualTo(first);
        } else {
            assertThat(b.jhash()).isEqualTo(-1);
            assertThat(b.hash31()).isEqualTo(Integer.parseInt(v[13]));
            assertThat(b.nexthop()).isEqualTo(Integer.parseInt(v[17]));
        }
    }

    @Test
    void shouldPrintTheDocumentedFirstBlockWordForWord() throws IOException {
        final Path f = tmp.resolve("one.csv");
        Files.writeString(f, "src,dst,proto,sport,dport\n192.168.162.67,100.89.25.49,6,15379,2438\n");
        final Run r = run("ecmp", "--explain", "--family", "ipv4", "--policy", "0", "--seed", "0x12345678",
            "--nexthops", "1,1", "--flows", f.toString());
        assertThat(r.out().lines().toList()).containsExactly(
            "flow 1 (line 2): 192.168.162.67 -> 100.89.25.49, proto 6, ports 15379 -> 2438",
            "  forwarded packet: fib_multipath_hash() takes the packet path (it has the skb)",
            "  policy 0 (L3): the hash covers the addresses only; protocol and ports stay 0",
            "  __flow_hash_consistentify(): addresses swapped (the destination is lower, as the little-endian CPU"
                + " reads the 32-bit words); ports not hashed",
            "  flow_keys bytes hashed (48 bytes, offsets 8..55, as __flow_hash_from_keys() hashes them): "
                + "00000000000000000000000000000000000000000000000000000000000000000000000064591931c0a8a24300000000",
            "    fields in those bytes: ip_proto 0 (offset 10), flow_label 00000000 (offset 12), ports 0, 0"
                + " (offset 36), addresses 100.89.25.49, 192.168.162.67 (offset 44); the rest is 0",
            "  siphash key (fib_multipath_hash_seed 0x12345678): k0 = k1 = 0x1234567812345678"
                + " (fib_multipath_hash_construct_key())",
            "  SipHash-2-4 -> 0x60d1f3e3155c557c; low 32 bits 358372732 (__flow_hash_from_keys(); 0 would become 1)",
            "  >> 1 -> hash 179186366 (31 bits, compared with the upper bounds)",
            "  nexthops (fib_rebalance(), ub = round(S * 2^31 / T) - 1, S = live weight up to the nexthop, T = 2 = all"
                + " live weight): #0 weight 1 upper bound 1073741823, #1 weight 1 upper bound 2147483647",
            "  fib_select_multipath(): the first live nexthop with hash <= upper bound: 179186366 <= 1073741823 (#0)"
                + " -> nexthop 0");
    }

    @Test
    void shouldSayADeadNexthopIsSkippedAndKeepTheSummaryOnStandardError() throws IOException {
        // ecmp-hash-vectors.csv line 20: hash31 967428914 takes nexthop 4 of 3,1,4,1,5,9,2,6; with 4 dead, 5.
        final Path f = tmp.resolve("dead.csv");
        Files.writeString(f, "src,dst,proto,sport,dport\n" + String.join(",",
            Arrays.copyOfRange(vectors().get(18), 3, 8)) + "\n");
        final Run r = run("ecmp", "--explain", "--family", "ipv4", "--policy", "0", "--seed", "0xdeadbeef",
            "--nexthops", "3,1,4,1,5,9,2,6", "--dead", "4", "--summary", "--flows", f.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        final Block b = blocks(r.out()).get(0);
        // fib_rebalance() over 3,1,4,1,9,2,6 (T = 26): ub = round(S * 2^31 / 26) - 1.
        assertThat(b.bounds()).containsExactly(247786574, 330382099, 660764198, 743359723, -1, 1486719448,
            1651910497, 2147483647);
        assertThat(r.out()).contains("#4 weight 5 dead, ")
            .contains("  #4 is dead (its device is down): upper bound -1, its weight is left out of T, and"
                + " fib_select_multipath() skips a nexthop whose bound is -1");
        assertThat(r.out()).contains("  fib_select_multipath(): the first live nexthop with hash <= upper bound:"
            + " 743359723 (#3) < 967428914 <= 1486719448 (#5) -> nexthop 5");
        final Run csv = run("ecmp", "--family", "ipv4", "--policy", "0", "--seed", "0xdeadbeef",
            "--nexthops", "3,1,4,1,5,9,2,6", "--dead", "4", "--flows", f.toString());
        final String row = csv.out().lines().skip(1).findFirst().orElseThrow();
        assertThat(row).endsWith("," + b.hash31() + "," + b.nexthop());
        assertThat(r.out()).endsWith(" -> nexthop " + b.nexthop() + System.lineSeparator());
        assertThat(r.err()).startsWith("nexthop,weight,flows,share,expected_share").contains("imbalance,");
        assertThat(r.err().lines().filter(s -> s.startsWith("4,5,")).findFirst().orElseThrow())
            .isEqualTo("4,5,0,0.0000,0.0000");
    }

    @Test
    void shouldNameTheResilientBucketAndItsOwner() throws IOException {
        final Path f = tmp.resolve("v6.csv");
        Files.writeString(f, "src,dst,proto,sport,dport,flowlabel\n"
            + "fd47:1576:63ae:2c19:f0:9ccb:fb0:64cd,fd92:89e2:9bf7:e7ee:5068:522b:71f9:bd21,6,40622,10610,842589\n");
        final Run r = run("ecmp", "--explain", "--family", "ipv6", "--policy", "1", "--seed", "305419896",
            "--nexthops", "1,1,1,1", "--resilient", "64", "--local", "--flows", f.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        // 745299795 % 64 = 19; a fresh group of 4 equal members gives each 16 buckets, 16..31 to member 2.
        assertThat(r.out()).contains("  resilient group, 64 buckets, freshly created: #0 weight 1 owns 16 buckets,"
                + " #1 weight 1 owns 16 buckets, #2 weight 1 owns 16 buckets, #3 weight 1 owns 16 buckets")
            .endsWith("  nexthop_select_path_res(): bucket 745299795 % 64 = 19, owned by #2 -> nexthop 2"
                + System.lineSeparator())
            .contains("  >> 1 -> hash 745299795 (31 bits; its remainder picks the bucket)")
            .doesNotContain("upper bound");

        final Run dead = run("ecmp", "--explain", "--family", "ipv6", "--policy", "1", "--seed", "305419896",
            "--nexthops", "1,1,1,1", "--resilient", "64", "--dead", "2", "--local", "--flows", f.toString());
        final Run csv = run("ecmp", "--family", "ipv6", "--policy", "1", "--seed", "305419896",
            "--nexthops", "1,1,1,1", "--resilient", "64", "--dead", "2", "--local", "--flows", f.toString());
        final String nexthop = csv.out().lines().skip(1).findFirst().orElseThrow().replaceAll(".*,", "");
        assertThat(nexthop).isNotEqualTo("2");
        assertThat(dead.out()).contains("#2 weight 1 removed")
            .contains("  #2 left the group when its device went down; its buckets went to the others")
            .endsWith("bucket 745299795 % 64 = 19, owned by #" + nexthop + " -> nexthop " + nexthop
                + System.lineSeparator());
    }

    @Test
    void shouldExplainTheSourcePreferenceOfLocalIpv4Flows() throws IOException {
        final Path f = tmp.resolve("local.csv");
        Files.writeString(f, "src,dst,proto,sport,dport\n10.0.0.9,10.0.0.1,icmp,5,6\n");
        final Run r = run("ecmp", "--explain", "--family", "ipv4", "--policy", "1", "--seed", "0x12345678",
            "--nexthops", "3,1,4", "--local", "--nexthop-src", "10.0.0.9,10.0.0.2,10.0.0.3", "--flows", f.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("the flow path hashes the ports for every protocol")
            .contains("ports kept (the source port 5 is lower")
            .contains("  hash threshold alone: 805306367 (#0) < 819492452 <= 1073741823 (#1)")
            .contains(": #0 2, #1 1, #2 1; the first with the highest score wins -> nexthop 0");
        // The same ICMP flow forwarded: the dissector gives no ports.
        final Run fwd = run("ecmp", "--explain", "--family", "ipv4", "--policy", "1", "--seed", "0x12345678",
            "--nexthops", "3,1,4", "--flows", f.toString());
        assertThat(fwd.out()).contains("protocol 1 has no ports for the flow dissector, so they stay 0")
            .contains("ports not hashed");
    }

    @Test
    void shouldSayWhenPolicy3SelectsNoOuterField() throws IOException {
        final Path f = tmp.resolve("inner.csv");
        Files.writeString(f, "src,dst,proto,sport,dport\n10.0.0.9,10.0.0.1,6,5,6\n");
        final Run r = run("ecmp", "--explain", "--family", "ipv4", "--policy", "3", "--hash-fields", "0x8c0",
            "--seed", "1", "--nexthops", "3,1,4", "--flows", f.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        final int j = Jhash.jhash2Words(0, 0, 0);
        assertThat(r.out()).contains("policy 3 (fib_multipath_hash_fields 0x8c0): no outer field; every other field"
                + " stays 0; the inner fields 0x8c0 need an encapsulated packet; these flows have none")
            .contains("  no outer field selected: the outer hash is 0, no SipHash runs")
            .contains("jhash_2words(0, 0, 0) -> " + Integer.toUnsignedLong(j) + " ")
            .contains(">> 1 -> hash " + (j >>> 1) + " ")
            .doesNotContain("SipHash-2-4 ->").doesNotContain("flow_keys bytes hashed");
        // The flow label bit alone: an outer bit is set, so the kernel hashes an all-zero image.
        final Run label = run("ecmp", "--explain", "--family", "ipv4", "--policy", "3", "--hash-fields", "0x08",
            "--seed", "1", "--nexthops", "3,1,4", "--flows", f.toString());
        assertThat(label.out()).contains("policy 3 (fib_multipath_hash_fields 0x8): no field an IPv4 flow has, but an"
                + " outer bit is set, so the all-zero flow_keys are still hashed; every other field stays 0; the flow"
                + " label bit 0x08 is ignored for IPv4")
            .contains("flow_keys bytes hashed (48 bytes, offsets 8..55, as __flow_hash_from_keys() hashes them): "
                + "0".repeat(96));
    }

    @Test
    void shouldRejectBadInputWithExit2AndNoBlocks() throws IOException {
        final Path f = tmp.resolve("bad.csv");
        Files.writeString(f, "src,dst,proto,sport,dport\n10.0.0.1,10.0.0.2,6,1,2\n10.0.0.1,10.0.0.300,6,1,2\n");
        final Run r = run("ecmp", "--explain", "--family", "ipv4", "--policy", "1", "--seed", "7",
            "--nexthops", "1,1", "--flows", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("pktsim ecmp: line 3: dst '10.0.0.300' is not an IPv4 address"
            + System.lineSeparator());
        final Run both = run("ecmp", "--explain", "--summary-only", "--family", "ipv4", "--policy", "1", "--seed",
            "7", "--nexthops", "1,1", "--flows", f.toString());
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.out()).isEmpty();
        assertThat(both.err()).contains("--explain").contains("--summary-only");
    }

    @Test
    void shouldDescribeTheFlagInTheHelp() {
        final Run r = run("ecmp", "--help");
        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).contains("--explain").contains("block saying why").contains("not")
            .contains("with --summary-only");
    }

    /** A configuration and flows for the property. */
    record Case(boolean ipv4, int policy, int fields, long seed, List<Integer> weights, List<Integer> dead,
                boolean local, int buckets, boolean sources, List<String> flows) {
    }

    @Provide
    Arbitrary<Case> cases() {
        final Arbitrary<Boolean> ipv4 = Arbitraries.of(true, false);
        return ipv4.flatMap(v4 -> Arbitraries.integers().between(1, 8).flatMap(n -> Combinators.combine(
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(1, 0xFFF),
            Arbitraries.longs().between(0, 0xFFFF_FFFFL),
            Arbitraries.integers().between(1, 256).list().ofSize(n),
            Arbitraries.integers().between(0, n - 1).set().ofMaxSize(n - 1).map(s -> List.copyOf(s)),
            Arbitraries.of(true, false),
            Arbitraries.of(0, 0, 16, 128),
            flow(v4).list().ofMinSize(1).ofMaxSize(12))
            .as((pol, fld, seed, w, d, local, buckets, flows) -> new Case(v4, pol, fld, seed, w, d, local,
                buckets, v4 && local && buckets == 0, flows))));
    }

    private static Arbitrary<String> flow(final boolean ipv4) {
        final Arbitrary<String> address = ipv4
            ? Arbitraries.integers().between(1, 8).map(i -> "10.0.0." + i)
            : Arbitraries.integers().between(1, 0xFFFF).map(i -> "fd00::" + Integer.toHexString(i));
        final Arbitrary<String> any = ipv4
            ? Arbitraries.integers().map(i -> (i >>> 24) + "." + (i >>> 16 & 255) + "." + (i >>> 8 & 255) + "."
                + (i & 255))
            : Arbitraries.longs().map(l -> "2001:db8::" + Long.toHexString(l >>> 48) + ":"
                + Long.toHexString(l & 0xFFFF));
        return Combinators.combine(Arbitraries.oneOf(address, any), any, Arbitraries.of("6", "17", "1", "47", "58"),
            Arbitraries.integers().between(0, 65535), Arbitraries.integers().between(0, 65535),
            Arbitraries.integers().between(0, 0xFFFFF))
            .as((s, d, p, sp, dp, label) -> s + "," + d + "," + p + "," + sp + "," + dp + "," + (ipv4 ? "" : label));
    }

    @Property(tries = 60)
    void shouldChooseTheNexthopsOfTheCsvOutput(@ForAll("cases") final Case c) throws IOException {
        final Path f = Files.createTempFile("explain", ".csv");
        try {
            Files.writeString(f, "src,dst,proto,sport,dport,flowlabel\n" + String.join("\n", c.flows()) + "\n");
            final List<String> args = new ArrayList<>(List.of("ecmp", "--family", c.ipv4() ? "ipv4" : "ipv6",
                "--policy", String.valueOf(c.policy()), "--hash-fields", String.valueOf(c.fields()), "--seed",
                String.valueOf(c.seed()), "--nexthops",
                String.join(",", c.weights().stream().map(String::valueOf).toList()), "--flows", f.toString()));
            if (!c.dead().isEmpty()) {
                args.add("--dead=" + String.join(",", c.dead().stream().map(String::valueOf).toList()));
            }
            if (c.local()) {
                args.add("--local");
            }
            if (c.buckets() > 0) {
                args.add("--resilient=" + Math.max(c.buckets(), c.weights().size()));
            }
            if (c.sources()) {
                final List<String> src = new ArrayList<>();
                for (int i = 0; i < c.weights().size(); i++) {
                    src.add("10.0.0." + (i + 1));
                }
                args.add("--nexthop-src=" + String.join(",", src));
            }
            final Run csv = run(args.toArray(new String[0]));
            args.add("--explain");
            final Run explained = run(args.toArray(new String[0]));
            assertThat(csv.code()).as(csv.err()).isEqualTo(0);
            assertThat(explained.code()).as(explained.err()).isEqualTo(0);
            final List<String> rows = csv.out().lines().skip(1).toList();
            final List<Block> blocks = blocks(explained.out());
            assertThat(blocks).hasSize(c.flows().size());
            for (int i = 0; i < rows.size(); i++) {
                assertThat(rows.get(i)).as(explained.out())
                    .endsWith("," + blocks.get(i).hash31() + "," + blocks.get(i).nexthop());
            }
        } finally {
            Files.delete(f);
        }
    }
}
