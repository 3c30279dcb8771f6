package io.pktsim.cli.ecmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.pktsim.cli.PktsimMain;
import io.pktsim.core.flow.InetText;
import io.pktsim.lb.ecmp.Ipv4MultipathRoute;
import io.pktsim.lb.ecmp.MultipathHash;
import io.pktsim.stack.fib.MultipathLookup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EcmpCommandTest {

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    private static Run run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = PktsimMain.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    private static Path example() {
        final String root = System.getProperty("pktsim.root", "..");
        return Path.of(root, "docs", "examples", "ecmp-flows.csv");
    }

    @Test
    void shouldRunTheDocumentedExample() throws IOException {
        final Run r = run("ecmp", "--family", "ipv4", "--policy", "1", "--seed", "0x12345678",
            "--nexthops", "3,1,4,1,5,9,2,6", "--flows", example().toString());
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        final List<String> lines = r.out().lines().toList();
        final List<String> input = Files.readAllLines(example(), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(input.size());
        assertThat(lines.get(0)).isEqualTo("src,dst,proto,sport,dport,hash,nexthop");
        // The first four flows are rows of ecmp-hash-vectors.csv, answered by a live 6.18 kernel.
        assertThat(lines.get(1)).isEqualTo("172.19.219.186,100.92.123.9,tcp,49914,123,194908621,0");
        assertThat(lines.get(2)).isEqualTo("10.104.223.91,100.115.62.194,udp,4139,19931,1872124615,7");
        assertThat(lines.get(3)).endsWith(",1825614750,7");
        assertThat(lines.get(4)).endsWith(",162736480,0");
        // Every row agrees with the model called directly.
        final MultipathHash hash = new MultipathHash(4, 1, 7, 0x12345678L);
        final Ipv4MultipathRoute route = new Ipv4MultipathRoute(3, 1, 4, 1, 5, 9, 2, 6);
        final MultipathLookup l = new MultipathLookup();
        for (int i = 1; i < lines.size(); i++) {
            final String[] f = lines.get(i).split(",");
            assertThat(String.join(",", java.util.Arrays.copyOf(f, 5))).isEqualTo(input.get(i));
            final int proto = switch (f[2]) {
                case "tcp" -> 6;
                case "udp" -> 17;
                case "icmp" -> 1;
                default -> Integer.parseInt(f[2]);
            };
            l.reset().key().setIpv4(InetText.parseIpv4(f[0]), InetText.parseIpv4(f[1]), proto,
                Integer.parseInt(f[3]), Integer.parseInt(f[4]));
            final int h = hash.hash(l);
            assertThat(Integer.parseInt(f[5])).as(lines.get(i)).isEqualTo(h);
            assertThat(Integer.parseInt(f[6])).as(lines.get(i)).isEqualTo(route.choose(h, l));
        }
    }

    @Test
    void shouldPutEveryConnectionBetweenTwoAddressesOnOneDialUnderPolicy0() {
        final Run r = run("ecmp", "--family", "ipv4", "--policy", "0", "--seed", "305419896",
            "--nexthops", "1,1,1,1,1,1,1,1", "--flows", example().toString());
        assertThat(r.code()).isEqualTo(0);
        final long dials = r.out().lines().filter(s -> s.startsWith("192.168.1.20,"))
            .map(s -> s.substring(s.lastIndexOf(',') + 1)).distinct().count();
        assertThat(dials).isEqualTo(1);
    }

    @Test
    void shouldPrintTheSummary() {
        final Run r = run("ecmp", "--family", "ipv4", "--policy", "1", "--seed", "0x12345678",
            "--nexthops", "1,1", "--summary-only", "--flows", example().toString());
        assertThat(r.code()).isEqualTo(0);
        final List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("nexthop,weight,flows,share,expected_share");
        final int a = Integer.parseInt(lines.get(1).split(",")[2]);
        final int b = Integer.parseInt(lines.get(2).split(",")[2]);
        assertThat(a + b).isEqualTo(12);
        assertThat(lines).anyMatch(s -> s.startsWith("imbalance,")).anyMatch(s -> s.startsWith("busy_nexthops,"))
            .contains("expected_busy_nexthops,1.9995");

        final Run both = run("ecmp", "--family", "ipv4", "--policy", "1", "--seed", "1", "--nexthops", "1,1",
            "--summary", "--flows", example().toString());
        assertThat(both.out().lines().count()).isEqualTo(13);
        assertThat(both.err()).startsWith("nexthop,weight,flows,share,expected_share");
    }

    @Test
    void shouldHandleIpv6DeadNexthopsAndResilientGroups() throws IOException {
        final Path f = tmp.resolve("v6.csv");
        Files.writeString(f, "src,dst,proto,sport,dport,flowlabel\n"
            + "fd47:1576:63ae:2c19:f0:9ccb:fb0:64cd,fd92:89e2:9bf7:e7ee:5068:522b:71f9:bd21,6,40622,10610,842589\n"
            + "2001:db8::1,2001:db8:8000::1,udp,1,2,0x12345\n");
        final Run r = run("ecmp", "--family", "ipv6", "--policy", "1", "--seed", "305419896", "--nexthops",
            "3,1,4,1,5,9,2,6", "--local", "--flows", f.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        // ecmp-hash-vectors.csv: this IPv6 flow (flow path) hashes to 745299795, nexthop 4.
        assertThat(r.out().lines().skip(1).findFirst().orElseThrow()).endsWith(",745299795,4");

        final Run dead = run("ecmp", "--family", "ipv6", "--policy", "1", "--seed", "305419896", "--nexthops",
            "3,1,4,1,5,9,2,6", "--dead", "4", "--local", "--flows", f.toString());
        assertThat(dead.out().lines().skip(1).findFirst().orElseThrow()).doesNotEndWith(",4");

        final Run res = run("ecmp", "--family", "ipv6", "--policy", "1", "--seed", "305419896", "--nexthops",
            "1,1,1,1", "--resilient", "64", "--local", "--flows", f.toString());
        assertThat(res.code()).isEqualTo(0);
        // 745299795 % 64 = 19; buckets 0..15 go to member 3, 16..31 to member 2 (reverse group order).
        assertThat(res.out().lines().skip(1).findFirst().orElseThrow()).endsWith(",745299795,2");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bad address     | src,dst,proto,sport,dport\\n10.0.0.1,10.0.0.300,tcp,1,2\\n | --nexthops=1,1 | line 2: dst",
        "port too big    | src,dst,proto,sport,dport\\n10.0.0.1,10.0.0.3,tcp,1,2\\n10.0.0.1,10.0.0.3,tcp,65536,2\\n"
            + " | --nexthops=1,1 | line 3: sport 65536",
        "unknown column  | src,dst,proto,sport,dport,x\\n | --nexthops=1,1 | line 1: unknown column 'x'",
        "weight zero     | src,dst,proto,sport,dport\\n | --nexthops=1,0 | --nexthops: weight 2 is 0",
        "weight 257      | src,dst,proto,sport,dport\\n | --nexthops=257 | allowed 1..256",
        "empty list      | src,dst,proto,sport,dport\\n | --nexthops= | the nexthop list is empty",
        "dead range      | src,dst,proto,sport,dport\\n | --dead=2 | --dead: index 2 is out of range 0..1",
        "ipv6 in ipv4    | src,dst,proto,sport,dport\\n10.0.0.1,fd00::1,udp,1,1\\n | --nexthops=1,1 | line 2: dst",
        "bad proto       | src,dst,proto,sport,dport\\n10.0.0.1,10.0.0.2,sctpx,1,1\\n | --nexthops=1,1 | line 2: proto",
        "short row       | src,dst,proto,sport,dport\\n10.0.0.1,10.0.0.2,6,1\\n | --nexthops=1,1 | line 2: 4 fields",
        "label for ipv4 | src,dst,proto,sport,dport,flowlabel\\n10.0.0.1,10.0.0.2,6,1,1,5\\n"
            + " | --nexthops=1,1 | line 2",
    })
    void shouldRejectBadInputWithExit2OneLineAndNoRows(final String what, final String csv, final String option,
        final String message) throws IOException {
        final Path f = tmp.resolve("bad.csv");
        Files.writeString(f, csv.replace("\\n", "\n"));
        final String nexthops = option.startsWith("--nexthops") ? option : "--nexthops=1,1";
        final String extra = option.startsWith("--nexthops") ? "--summary" : option;
        final Run r = run("ecmp", "--family", "ipv4", "--policy", "1", "--seed", "7", nexthops, extra,
            "--flows", f.toString());
        assertThat(r.code()).as(what).isEqualTo(2);
        assertThat(r.out()).as(what).isEmpty();
        assertThat(r.err().lines().count()).as(what).isEqualTo(1);
        assertThat(r.err()).as(what).startsWith("pktsim ecmp: ").contains(message);
    }

    @Test
    void shouldRejectAnUnknownPolicyAndAMissingFile() {
        final Run p = run("ecmp", "--family", "ipv4", "--policy", "4", "--seed", "1", "--nexthops", "1",
            "--flows", example().toString());
        assertThat(p.code()).isEqualTo(2);
        assertThat(p.err()).isEqualTo("pktsim ecmp: --policy 4 is out of range 0..3" + System.lineSeparator());
        final Run m = run("ecmp", "--family", "ipv4", "--policy", "1", "--seed", "1", "--nexthops", "1",
            "--flows", tmp.resolve("nope.csv").toString());
        assertThat(m.code()).isEqualTo(2);
        assertThat(m.out()).isEmpty();
        assertThat(m.err()).contains("no such file");
    }
}
