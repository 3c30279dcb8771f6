package io.pktsim.cli.gro;

import static io.pktsim.cli.gro.ReplayCommandTestSupport.readPcap;
import static io.pktsim.cli.gro.ReplayCommandTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.pktsim.cli.gro.ReplayCommandTestSupport.Rec;
import io.pktsim.cli.gro.ReplayCommandTestSupport.Run;
import io.pktsim.core.test.Commands;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UDP GSO ({@code UDP_SEGMENT}, {@code pktsim gso --udp-gso}) checked byte for byte on the running kernel. In a
 * network namespace made for the test, a UDP socket sends datagrams with {@code UDP_SEGMENT} 1000 out of a veth: once
 * with {@code tx-udp-segmentation on}, so that the device takes the super-packet whole and a capture on it shows it
 * (the taps run after {@code validate_xmit_skb()}), and once with it off, so that {@code validate_xmit_skb()} cuts it
 * in software ({@code __udp_gso_segment()}, net/ipv4/udp_offload.c) and the capture shows the datagrams. The same
 * sends both times (IPv4 with DF from an unconnected socket, whose IP ID is 0; IPv6; 3500 and 2001 bytes), so
 * {@code pktsim gso --udp-gso --tx-csum on} of the first capture must give the second one's frames exactly: Ethernet,
 * IP (lengths, IDs counting from 0, header checksums), UDP lengths and the pseudo-header checksums veth's
 * {@code tx-checksumming} leaves (the socket needs it: {@code udp_send_skb()} refuses GSO without CHECKSUM_PARTIAL),
 * and the payload. The frames go to a neighbour entry on the peer's address, which has no IP: nothing is delivered
 * and nothing leaves the namespace. Skips itself (JUnit assumption) without root, {@code ip netns}, {@code ethtool},
 * {@code python3} or {@code dumpcap}.
 */
@Tag("live-kernel")
class GsoUdpLiveKernelTest {

    private static final int GSO_SIZE = 1000;

    /** Sends each (family, destination, size) datagram with UDP_SEGMENT from port 40000 to port 9000. */
    private static final String SEND = String.join("\n",
        "import socket, sys",
        "gso = int(sys.argv[1])",
        "for spec in sys.argv[2:]:",
        "    fam, dst, size = spec.split(',')",
        "    af = socket.AF_INET6 if fam == '6' else socket.AF_INET",
        "    s = socket.socket(af, socket.SOCK_DGRAM)",
        "    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
        "    if af == socket.AF_INET:",
        "        s.setsockopt(socket.IPPROTO_IP, 10, 2)  # IP_MTU_DISCOVER: IP_PMTUDISC_DO (DF)",
        "    s.setsockopt(17, 103, gso)  # SOL_UDP, UDP_SEGMENT",
        "    s.bind(('', 40000))",
        "    s.sendto(bytes((i * 7 + int(size)) & 0xFF for i in range(int(size))), (dst, 9000))",
        "    s.close()");

    @TempDir
    Path tmp;

    @Test
    void shouldCutUdpSuperPacketsAsTheKernelDoes() throws Exception {
        assumeThat(exec(5000, "id", "-u").out().strip()).as("root, for ip netns").isEqualTo("0");
        assumeThat(exec(5000, "ethtool", "--version").code()).as("ethtool").isZero();
        assumeThat(exec(5000, "python3", "-c", "import socket; socket.AF_PACKET").code()).as("python3").isZero();
        assumeThat(exec(5000, "dumpcap", "-v").code()).as("dumpcap (Wireshark)").isZero();
        final String ns = "pktsim-udpgso-" + ProcessHandle.current().pid() + "-"
            + Long.toHexString(new SplittableRandom().nextLong() & 0xFFFFFFL);
        assumeThat(exec(5000, "ip", "netns", "add", ns).code()).as("ip netns add").isZero();
        try {
            for (final String line : new String[] {"ip link set lo up", "ip link add v0 type veth peer name v1",
                "ip link set v0 up", "ip link set v1 up", "ip addr add 10.9.0.1/24 dev v0",
                "ip -6 addr add fd09::1/64 dev v0 nodad"}) {
                inNs(ns, line);
            }
            final String mac = exec(5000, "ip", "-n", ns, "-br", "link", "show", "v1").out().strip().split("\\s+")[2];
            inNs(ns, "ip neigh add 10.9.0.2 lladdr " + mac + " dev v0 nud permanent");
            inNs(ns, "ip -6 neigh add fd09::2 lladdr " + mac + " dev v0 nud permanent");
            final Path whole = tmp.resolve("super.pcap");
            final Path cut = tmp.resolve("kernel.pcap");
            inNs(ns, "ethtool -K v0 tx-udp-segmentation on");
            send(ns, whole);
            inNs(ns, "ethtool -K v0 tx-udp-segmentation off");
            send(ns, cut);

            final List<Rec> supers = readPcap(whole);
            assertThat(supers).extracting(r -> r.frame().length).as("the super-packets, whole")
                .containsExactly(14 + 20 + 8 + 3500, 14 + 20 + 8 + 2001, 14 + 40 + 8 + 3500, 14 + 40 + 8 + 2001);
            final List<Rec> kernel = readPcap(cut);
            assertThat(kernel).hasSize(14);
            final Path ours = tmp.resolve("pktsim.pcap");
            final Run r = run("gso", "--in", whole.toString(), "--gso-size", Integer.toString(GSO_SIZE), "--udp-gso",
                "--tx-csum", "on", "--out", ours.toString());
            assertThat(r.code()).as("%s", r).isZero();
            final List<Rec> model = readPcap(ours);
            assertThat(model).hasSize(kernel.size());
            for (int i = 0; i < kernel.size(); i++) {
                assertThat(model.get(i).frame()).as("datagram %d of %d", i, kernel.size())
                    .isEqualTo(kernel.get(i).frame());
            }
        } finally {
            exec(5000, "ip", "netns", "del", ns);
        }
    }

    /** Sends the four datagrams while dumpcap captures the namespace's v0 into {@code cap} (classic pcap). */
    private static void send(final String ns, final Path cap) throws Exception {
        final Process dumpcap = new ProcessBuilder("ip", "netns", "exec", ns, "dumpcap", "-q", "-P", "-i", "v0",
            "-f", "udp port 9000", "-w", cap.toString(), "-a", "duration:2").redirectErrorStream(true).start();
        Thread.sleep(700);
        final Commands.Result sent = exec(10_000, "ip", "netns", "exec", ns, "python3", "-c", SEND,
            Integer.toString(GSO_SIZE), "4,10.9.0.2,3500", "4,10.9.0.2,2001", "6,fd09::2,3500", "6,fd09::2,2001");
        assertThat(sent.code()).as("python3 sends: %s", sent.out()).isZero();
        assertThat(dumpcap.waitFor(10, TimeUnit.SECONDS)).as("dumpcap ends").isTrue();
    }

    private static void inNs(final String ns, final String line) {
        final String[] words = line.split(" ");
        final String[] cmd = new String[words.length + 4];
        cmd[0] = "ip";
        cmd[1] = "netns";
        cmd[2] = "exec";
        cmd[3] = ns;
        System.arraycopy(words, 0, cmd, 4, words.length);
        final Commands.Result r = exec(5000, cmd);
        assertThat(r.code()).as(line + ": " + r.out()).isZero();
    }

    private static Commands.Result exec(final long timeoutMs, final String... cmd) {
        return Commands.run(timeoutMs, cmd);
    }
}
