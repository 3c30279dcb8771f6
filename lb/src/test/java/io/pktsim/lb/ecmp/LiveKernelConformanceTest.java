package io.pktsim.lb.ecmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.pktsim.core.flow.FlowKey;
import io.pktsim.core.flow.InetText;
import io.pktsim.stack.fib.MultipathLookup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conformance with the running Linux kernel (linux-ecmp.md section 7): inside a network namespace made for
 * this test (veth pairs only; nothing is sent), it sets the seed, policy and field mask, installs multipath
 * routes, asks {@code ip route get} for random flows in batches and requires the model to choose the same
 * nexthop for every one. Skips itself (JUnit assumption) without root or {@code ip netns}.
 */
@Tag("live-kernel")
class LiveKernelConformanceTest {

    private static final int FLOWS = 1000;
    private static final int LINKS = 64;
    private static final long RANDOM_SEED = 0x5eed_ec3bL;
    private static final int[] EIGHT = {3, 1, 4, 1, 5, 9, 2, 6};

    private static String namespace;
    private static String skipReason;
    private static long totalFlows;
    private static int totalConfigurations;

    record Config(int family, int policy, int fields, long seed, int[] weights, String name) {
        @Override
        public String toString() {
            return "IPv" + family + " policy " + policy
                + (policy == 3 ? " fields 0x" + Integer.toHexString(fields) : "")
                + " seed 0x" + Long.toHexString(seed) + " " + name;
        }
    }

    @BeforeAll
    static void createNamespace() throws Exception {
        if (!"0".equals(tryRun(null, "id", "-u").strip())) {
            skipReason = "not root: the live-kernel ECMP conformance test needs root for ip netns";
            return;
        }
        final String name = "pktsim-ecmp-" + ProcessHandle.current().pid() + "-"
            + Long.toHexString(new SplittableRandom().nextLong() & 0xFFFFFFL);
        if (!tryRun(null, "ip", "netns", "add", name).isEmpty()
            || !tryRun(null, "ip", "netns", "list").contains(name)) {
            skipReason = "ip netns add failed: no network namespaces here";
            return;
        }
        namespace = name;
        sysctl("net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
            "net.ipv6.conf.all.forwarding=1", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0",
            "net.ipv6.conf.all.keep_addr_on_down=1", "net.ipv6.conf.default.keep_addr_on_down=1");
        final StringBuilder links = new StringBuilder("link add in0 type veth peer name in0p\n");
        for (int i = 0; i < LINKS; i++) {
            links.append("link add nh").append(i).append(" type veth peer name nh").append(i).append("p\n");
        }
        run(links.toString(), "ip", "-n", namespace, "-batch", "-");
        final StringBuilder up = new StringBuilder("link set lo up\nlink set in0 up\nlink set in0p up\n");
        up.append("addr add 192.0.2.1/24 dev in0\naddr add 2001:db8:0:ffff::1/64 dev in0\n");
        for (int i = 0; i < LINKS; i++) {
            up.append("link set nh").append(i).append(" up\nlink set nh").append(i).append("p up\n");
            up.append("addr add 198.18.").append(i).append(".1/24 dev nh").append(i).append('\n');
            up.append("addr add 2001:db8:1:").append(Integer.toHexString(i)).append("::1/64 dev nh").append(i)
                .append('\n');
        }
        run(up.toString(), "ip", "-n", namespace, "-batch", "-");
    }

    @AfterAll
    static void deleteNamespace() throws Exception {
        if (namespace != null) {
            tryRun(null, "ip", "netns", "del", namespace);
        }
        if (totalConfigurations > 0) {
            System.out.printf(Locale.ROOT,
                "live-kernel ECMP conformance: %d configurations, %d flows, 100%% agreement%n",
                totalConfigurations, totalFlows);
        }
    }

    static Stream<Config> grid() {
        final SplittableRandom rnd = new SplittableRandom(RANDOM_SEED);
        final int[] sixtyFour = new int[64];
        for (int i = 0; i < 64; i++) {
            sixtyFour[i] = 1 + rnd.nextInt(256);
        }
        final List<Config> list = new ArrayList<>();
        for (final int family : new int[] {4, 6}) {
            for (int policy = 0; policy <= 3; policy++) {
                final long seed = policy % 2 == 0 ? 0x12345678L : 0xdeadbeefL;
                final int full = family == 4 ? 0x37 : 0x3f;
                list.add(new Config(family, policy, 0x12, seed, new int[] {1, 1}, "2 equal"));
                list.add(new Config(family, policy, full, seed ^ 0x0f0f0f0fL, EIGHT, "8 uneven 3/1/4/1/5/9/2/6"));
                list.add(new Config(family, policy, 0x07, seed + 977, sixtyFour, "64 random weights"));
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grid")
    void shouldAgreeWithTheKernel(final Config c) throws Exception {
        assumeTrue(skipReason == null, skipReason);
        final String v = c.family() == 4 ? "ipv4" : "ipv6";
        sysctl("net.ipv4.fib_multipath_hash_seed=" + c.seed(), "net." + v + ".fib_multipath_hash_policy=" + c.policy(),
            "net." + v + ".fib_multipath_hash_fields=" + c.fields());
        installRoute(c.family(), c.weights(), -1);
        final NexthopChooser model = c.family() == 4 ? new Ipv4MultipathRoute(c.weights())
            : new Ipv6MultipathRoute(c.weights());
        compare(c.toString(), new MultipathHash(c.family(), c.policy(), c.fields(), c.seed()), model,
            new SplittableRandom(c.seed() * 31 + c.weights().length));
    }

    @Test
    void shouldAgreeWithTheKernelWithADeadNexthopAndAnIgnoredLinkdown() throws Exception {
        assumeTrue(skipReason == null, skipReason);
        for (final int family : new int[] {4, 6}) {
            final String v = family == 4 ? "ipv4" : "ipv6";
            sysctl("net.ipv4.fib_multipath_hash_seed=3735928559", "net." + v + ".fib_multipath_hash_policy=1",
                "net." + v + ".conf.all.ignore_routes_with_linkdown=1");
            installRoute(family, EIGHT, -1);
            run("link set nh2 down\nlink set nh5p down\n", "ip", "-n", namespace, "-batch", "-");
            awaitNexthopFlags(family);
            try {
                final NexthopChooser model;
                if (family == 4) {
                    final Ipv4MultipathRoute r = new Ipv4MultipathRoute(EIGHT);
                    r.setIgnoreRoutesWithLinkdown(5, true);
                    r.deviceDown(2);
                    r.carrierChanged(5, true);
                    model = r;
                } else {
                    final Ipv6MultipathRoute r = new Ipv6MultipathRoute(EIGHT);
                    r.setIgnoreRoutesWithLinkdown(5, true);
                    r.deviceDown(2);
                    r.carrierChanged(5, true);
                    model = r;
                }
                compare("IPv" + family + " dead nh2, linkdown nh5 ignored",
                    new MultipathHash(family, 1, 7, 0xdeadbeefL), model, new SplittableRandom(family));
            } finally {
                run("link set nh2 up\nlink set nh5p up\n", "ip", "-n", namespace, "-batch", "-");
                sysctl("net." + v + ".conf.all.ignore_routes_with_linkdown=0");
            }
        }
    }

    @Test
    void shouldAgreeWithTheKernelOnNexthopObjectGroups() throws Exception {
        assumeTrue(skipReason == null, skipReason);
        sysctl("net.ipv4.fib_multipath_hash_seed=305419896", "net.ipv4.fib_multipath_hash_policy=1");
        final StringBuilder b = new StringBuilder("route flush 100.64.0.0/10\nnexthop flush\n");
        final StringBuilder group = new StringBuilder();
        for (int i = 0; i < EIGHT.length; i++) {
            b.append("nexthop add id ").append(i + 1).append(" via 198.18.").append(i).append(".2 dev nh").append(i)
                .append('\n');
            group.append(i == 0 ? "" : "/").append(i + 1).append(',').append(EIGHT[i]);
        }
        b.append("nexthop add id 100 group ").append(group).append('\n');
        b.append("nexthop add id 200 group 1/2/3/4/5 type resilient buckets 64 idle_timer 120\n");
        b.append("route add 100.64.0.0/11 nhid 100\nroute add 100.96.0.0/11 nhid 200\n");
        run(b.toString(), "ip", "-n", namespace, "-force", "-batch", "-");

        final NexthopObjectGroup hthr = new NexthopObjectGroup(EIGHT);
        final ResilientNexthopGroup res = new ResilientNexthopGroup(new int[] {1, 1, 1, 1, 1}, 64,
            ResilientNexthopGroup.DEFAULT_IDLE_TIMER_NS, 0, 0);
        assertBucketsMatch(res, 200);
        final MultipathHash hash = new MultipathHash(4, 1, 7, 0x12345678L);
        compareAt("IPv4 hash-threshold nexthop group", hash, hthr, new SplittableRandom(100), "100.64.");
        compareAt("IPv4 resilient group, 64 buckets", hash, res, new SplittableRandom(200), "100.96.");

        // A member's device goes down: its nexthop object is deleted from both groups.
        run("link set nh1 down\n", "ip", "-n", namespace, "-batch", "-");
        try {
            hthr.removeMember(1);
            res.removeMember(1, 1_000_000_000L);
            assertBucketsMatch(res, 200);
            compareAt("IPv4 hash-threshold group, member 1 gone", hash, hthr, new SplittableRandom(101), "100.64.");
            compareAt("IPv4 resilient group, member 1 gone", hash, res, new SplittableRandom(201), "100.96.");
        } finally {
            run("link set nh1 up\nroute flush 100.64.0.0/10\nnexthop flush\n", "ip", "-n", namespace, "-force",
                "-batch", "-");
        }
    }

    @Test
    void shouldDeleteTheWholeIpv4RouteButOnlyOneIpv6SiblingWhenADeviceVanishes() throws Exception {
        assumeTrue(skipReason == null, skipReason);
        sysctl("net.ipv4.fib_multipath_hash_seed=305419896", "net.ipv4.fib_multipath_hash_policy=1",
            "net.ipv6.fib_multipath_hash_policy=1");
        run("link add vx0 type veth peer name vx0p\nlink set vx0 up\nlink set vx0p up\n"
            + "addr add 198.19.200.1/24 dev vx0\naddr add 2001:db8:2::1/64 dev vx0\n"
            + "route add 203.0.113.0/24 nexthop via 198.18.0.2 dev nh0 nexthop via 198.19.200.2 dev vx0 "
            + "nexthop via 198.18.1.2 dev nh1\n", "ip", "-n", namespace, "-batch", "-");
        batch(6, "route add fd80::/9 nexthop via 2001:db8:1:0::2 dev nh0 nexthop via 2001:db8:2::2 dev vx0 "
            + "nexthop via 2001:db8:1:1::2 dev nh1\n");
        run("link del vx0\n", "ip", "-n", namespace, "-batch", "-");
        final String v4 = tryRun(null, "ip", "-n", namespace, "route", "show", "203.0.113.0/24");
        assertThat(v4.strip()).as("IPv4 route after its device vanished").isEmpty();
        final Ipv4MultipathRoute r4 = new Ipv4MultipathRoute(1, 1, 1);
        r4.deviceUnregistered(1);
        assertThat(r4.choose(5, false, 0)).isEqualTo(-1);

        final Ipv6MultipathRoute r6 = new Ipv6MultipathRoute(1, 1, 1);
        r6.deviceUnregistered(1);
        final SplittableRandom rnd = new SplittableRandom(6);
        final MultipathHash hash = new MultipathHash(6, 1, 7, 0x12345678L);
        final StringBuilder q = new StringBuilder();
        final MultipathLookup[] lookups = new MultipathLookup[300];
        for (int i = 0; i < lookups.length; i++) {
            lookups[i] = randomFlow(6, rnd, "fd80::");
            q.append(query(lookups[i]));
        }
        final List<String> devs = devices(batch(6, q.toString()));
        assertThat(devs).hasSize(lookups.length);
        for (int i = 0; i < lookups.length; i++) {
            final int nh = r6.choose(hash.hash(lookups[i]));
            assertThat(devs.get(i)).as("flow %d", i).isEqualTo(nh == 0 ? "nh0" : "nh1");
        }
        batch(6, "route del fd80::/9\n");
    }

    private static void assertBucketsMatch(final ResilientNexthopGroup model, final int groupId) throws Exception {
        final String out = run(null, "ip", "-n", namespace, "nexthop", "bucket", "show", "id",
            Integer.toString(groupId));
        int seen = 0;
        for (final String line : out.split("\n")) {
            final String[] t = line.trim().split("\\s+");
            int index = -1;
            int nhid = -1;
            for (int i = 0; i + 1 < t.length; i++) {
                if ("index".equals(t[i])) {
                    index = Integer.parseInt(t[i + 1]);
                } else if ("nhid".equals(t[i])) {
                    nhid = Integer.parseInt(t[i + 1]);
                }
            }
            if (index >= 0) {
                assertThat(model.bucketOwner(index)).as("bucket %d", index).isEqualTo(nhid - 1);
                seen++;
            }
        }
        assertThat(seen).isEqualTo(model.bucketCount());
    }

    private static void installRoute(final int family, final int[] weights, final int unused) throws Exception {
        final StringBuilder cmd = new StringBuilder();
        if (family == 4) {
            cmd.append("route flush 172.16.0.0/12\nroute add 172.16.0.0/12");
        } else {
            cmd.append("route flush 2001:db8:8000::/33\nroute add 2001:db8:8000::/33");
        }
        for (int i = 0; i < weights.length; i++) {
            cmd.append(" nexthop via ");
            cmd.append(family == 4 ? "198.18." + i + ".2" : "2001:db8:1:" + Integer.toHexString(i) + "::2");
            cmd.append(" dev nh").append(i).append(" weight ").append(weights[i]);
        }
        cmd.append('\n');
        batch(family, cmd.toString());
    }

    /**
     * Waits until the route shows nh2 dead and nh5 linkdown: the peer's carrier loss reaches the route through
     * linkwatch, which may run after the {@code ip} command returned, and lookups before it still use nh5.
     */
    private static void awaitNexthopFlags(final int family) throws Exception {
        final String prefix = family == 4 ? "172.16.0.0/12" : "2001:db8:8000::/33";
        String shown = "";
        for (int i = 0; i < 250; i++) {
            shown = run(null, "ip", "-n", namespace, family == 4 ? "-4" : "-6", "route", "show", prefix);
            if (flagged(shown, "dev nh2 ", "dead") && flagged(shown, "dev nh5 ", "linkdown")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("nh2 dead / nh5 linkdown never showed: " + shown);
    }

    private static boolean flagged(final String routes, final String device, final String flag) {
        for (final String line : routes.split("\n")) {
            if (line.contains(device)) {
                return line.contains(flag);
            }
        }
        return false;
    }

    private static void compare(final String what, final MultipathHash hash, final NexthopChooser model,
        final SplittableRandom rnd) throws Exception {
        compareAt(what, hash, model, rnd, hash.family() == 4 ? "172." : "2001:db8:8000::");
    }

    private static void compareAt(final String what, final MultipathHash hash, final NexthopChooser model,
        final SplittableRandom rnd, final String dstPrefix) throws Exception {
        final MultipathLookup[] lookups = new MultipathLookup[FLOWS];
        final StringBuilder q = new StringBuilder(FLOWS * 96);
        for (int i = 0; i < FLOWS; i++) {
            lookups[i] = randomFlow(hash.family(), rnd, dstPrefix);
            q.append(query(lookups[i]));
        }
        final List<String> devs = devices(batch(hash.family(), q.toString()));
        assertThat(devs).as(what + ": answers").hasSize(FLOWS);
        int agree = 0;
        final StringBuilder first = new StringBuilder();
        for (int i = 0; i < FLOWS; i++) {
            final int nh = model.choose(hash.hash(lookups[i]), lookups[i]);
            final String expected = "nh" + nh;
            if (expected.equals(devs.get(i))) {
                agree++;
            } else if (first.length() < 600) {
                first.append("\n  ").append(lookups[i].key()).append(": model ").append(expected).append(", kernel ")
                    .append(devs.get(i));
            }
        }
        assertThat(agree).as("%s: %d of %d flows agree%s", what, agree, FLOWS, first).isEqualTo(FLOWS);
        totalFlows += FLOWS;
        totalConfigurations++;
    }

    private static MultipathLookup randomFlow(final int family, final SplittableRandom rnd, final String dstPrefix) {
        final MultipathLookup l = new MultipathLookup().reset();
        final int kind = rnd.nextInt(10);
        final int proto = kind < 5 ? FlowKey.PROTO_TCP : kind < 9 ? FlowKey.PROTO_UDP
            : family == 4 ? FlowKey.PROTO_ICMP : FlowKey.PROTO_ICMPV6;
        final int sport = rnd.nextInt(65536);
        final int dport = rnd.nextInt(4) == 0 ? 443 : rnd.nextInt(65536);
        if (family == 4) {
            final int src = rnd.nextBoolean() ? 0x0A000000 | rnd.nextInt(1 << 24) : 0xC0A80000 | rnd.nextInt(1 << 16);
            final int dst;
            if (dstPrefix.startsWith("172.")) {
                dst = 0xAC100000 | rnd.nextInt(1 << 20);
            } else if (dstPrefix.startsWith("100.64.")) {
                dst = 0x64400000 | rnd.nextInt(1 << 21);
            } else {
                dst = 0x64600000 | rnd.nextInt(1 << 21);
            }
            l.key().setIpv4(src, dst, proto, sport, dport);
            l.packetPath(true);
        } else {
            final long srcHi = 0xFD00_0000_0000_0000L | (rnd.nextLong() >>> 8);
            final long dstHi = dstPrefix.startsWith("fd80") ? 0xFD80_0000_0000_0000L | (rnd.nextLong() >>> 9)
                : 0x2001_0DB8_8000_0000L | (rnd.nextLong() >>> 33);
            l.key().setIpv6(srcHi, rnd.nextLong(), dstHi, rnd.nextLong(), proto, sport, dport, 0);
            l.packetPath(false);
        }
        return l;
    }

    private static String query(final MultipathLookup l) {
        final FlowKey k = l.key();
        final String proto = k.protocol() == FlowKey.PROTO_TCP ? "tcp" : k.protocol() == FlowKey.PROTO_UDP ? "udp"
            : k.family() == 4 ? "icmp" : "ipv6-icmp";
        if (k.family() == 4) {
            return "route get " + InetText.ipv4(k.ipv4Dst()) + " from " + InetText.ipv4(k.ipv4Src())
                + " iif in0 ipproto " + proto + " sport " + k.srcPort() + " dport " + k.dstPort() + "\n";
        }
        return "route get " + InetText.ipv6(k.ipv6DstHi(), k.ipv6DstLo()) + " from "
            + InetText.ipv6(k.ipv6SrcHi(), k.ipv6SrcLo()) + " iif in0 ipproto " + proto + " sport " + k.srcPort()
            + " dport " + k.dstPort() + "\n";
    }

    /** The {@code dev} of each answer, in order (continuation lines start with white space). */
    private static List<String> devices(final String out) {
        final List<String> devs = new ArrayList<>();
        for (final String line : out.split("\n")) {
            if (line.isEmpty() || Character.isWhitespace(line.charAt(0))) {
                continue;
            }
            final String[] t = line.trim().split("\\s+");
            String dev = "?";
            for (int i = 0; i + 1 < t.length; i++) {
                if ("dev".equals(t[i])) {
                    dev = t[i + 1];
                    break;
                }
            }
            devs.add(dev);
        }
        return devs;
    }

    /** Runs {@code ip -4|-6 -n NS -force -batch -} with the given lines. */
    private static String batch(final int family, final String lines) throws Exception {
        return run(lines, "ip", family == 4 ? "-4" : "-6", "-n", namespace, "-force", "-batch", "-");
    }

    private static void sysctl(final String... settings) throws Exception {
        final String[] cmd = new String[settings.length + 6];
        cmd[0] = "ip";
        cmd[1] = "netns";
        cmd[2] = "exec";
        cmd[3] = namespace;
        cmd[4] = "sysctl";
        cmd[5] = "-qw";
        System.arraycopy(settings, 0, cmd, 6, settings.length);
        run(null, cmd);
    }

    private static String run(final String stdin, final String... cmd) throws Exception {
        final Result r = exec(stdin, cmd);
        if (r.code != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited " + r.code + ": " + r.err);
        }
        if (!r.err.isBlank()) {
            throw new IllegalStateException(String.join(" ", cmd) + " reported: " + r.err);
        }
        return r.out;
    }

    private static String tryRun(final String stdin, final String... cmd) {
        try {
            final Result r = exec(stdin, cmd);
            return r.code == 0 ? r.out : "exit " + r.code + " " + r.err;
        } catch (final IOException | InterruptedException e) {
            return "failed: " + e.getMessage();
        }
    }

    record Result(int code, String out, String err) {
    }

    private static Result exec(final String stdin, final String... cmd) throws IOException, InterruptedException {
        final Process p = new ProcessBuilder(cmd).start();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final Thread errReader = new Thread(() -> copy(p.getErrorStream(), err));
        errReader.start();
        // Feed standard input from its own thread: ip answers while it reads, and a full output pipe
        // would otherwise block both sides.
        final Thread writer = new Thread(() -> feed(p.getOutputStream(), stdin));
        writer.start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        writer.join();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " timed out");
        }
        errReader.join();
        return new Result(p.exitValue(), out, err.toString(StandardCharsets.US_ASCII));
    }

    private static void feed(final OutputStream os, final String stdin) {
        try (os) {
            if (stdin != null) {
                os.write(stdin.getBytes(StandardCharsets.US_ASCII));
            }
        } catch (final IOException e) {
            // The process ended early; its exit code and standard error tell why.
        }
    }

    private static void copy(final InputStream in, final ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (final IOException e) {
            out.writeBytes(("(stderr unreadable: " + e.getMessage() + ")").getBytes(StandardCharsets.US_ASCII));
        }
    }
}
