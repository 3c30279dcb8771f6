package io.pktsim.cli.gro;

import static io.pktsim.cli.gro.ReplayCommandTestSupport.readPcap;
import static io.pktsim.cli.gro.ReplayCommandTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.cli.gro.ReplayCommandTestSupport.Rec;
import io.pktsim.cli.gro.ReplayCommandTestSupport.Run;
import io.pktsim.core.pcap.PcapFormat;
import io.pktsim.core.pcap.PcapWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UDP GRO for forwarding ({@code ethtool -K DEV rx-udp-gro-forwarding on}, {@code pktsim gro --udp-gro-forwarding})
 * checked on the running kernel, in the namespace {@link VethGroLab} sets up as GroFraglistLiveKernelTest does, with
 * {@code rx-gro-list} off: with no socket for the flow, {@code udp_gro_receive()} (net/ipv4/udp_offload.c, 6.18) sends
 * each datagram to {@code udp_gro_receive_segment()} because of {@code NETIF_F_GRO_UDP_FWD}, whose non-fraglist branch
 * merges it with {@code skb_gro_receive()}. The kernel and {@code pktsim gro --udp-gro-forwarding} must pass up the
 * same packets: IP length, UDP length and UDP checksum (an aggregate's: the pseudo-header sum of its length that
 * {@code udp4_gro_complete()} writes). A burst that splits differently from fraglist GRO tells the two apart: 50
 * datagrams of 1424 bytes make 46 + 4 here ({@code skb_gro_receive()} counts the new datagram's payload against
 * 64 KiB) and 45 + 5 with {@code rx-gro-list} (the whole skb). Then GSO: {@code pktsim gso --udp-gso} of the kernel's
 * own aggregate gives back the datagrams that went in, byte for byte but for the IPv4 ID, which counts from the
 * aggregate's (UDP GSO has no fixed-ID flag: eight datagrams of ID 0 leave as 0 to 7). Skips itself as
 * {@link VethGroLab} does; a burst whose capture differs is sent again, {@value #ATTEMPTS} times at most.
 */
@Tag("live-kernel")
class GroUdpForwardingLiveKernelTest {

    private static final int ATTEMPTS = 3;

    /** One UDP packet passed up: IP length, UDP length, UDP checksum. */
    private record Dgram(int ipLen, int udpLen, int check) {
        @Override
        public String toString() {
            return udpLen + "/" + Integer.toHexString(check);
        }
    }

    @TempDir
    Path tmp;

    private VethGroLab lab;

    @BeforeEach
    void makeNamespace() {
        lab = VethGroLab.open("pktsim-udpfwd");
        lab.run("ethtool -K v1 rx-gro-list off");
        lab.run("ethtool -K v1 rx-udp-gro-forwarding on");
    }

    @AfterEach
    void deleteNamespace() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void shouldMergeUpToAShorterDatagramAsPktsimDoes() throws Exception {
        final List<Dgram> up = compare(burst("short", 1000, 1000, 500, 1000));
        assertThat(up).extracting(Dgram::udpLen).containsExactly(8 + 2500, 1008);
    }

    @Test
    void shouldCountTheNewPayloadAgainst64KibAsPktsimDoes() throws Exception {
        final int[] sizes = new int[50];
        Arrays.fill(sizes, 1424);
        final List<Dgram> up = compare(burst("size", sizes));
        assertThat(up).extracting(Dgram::udpLen).containsExactly(8 + 46 * 1424, 8 + 4 * 1424);
    }

    @Test
    void shouldGiveTheDatagramsBackWhenPktsimCutsTheKernelsAggregate() throws Exception {
        final Path in = burst("round", 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000);
        final List<Dgram> up = compare(in);
        assertThat(up).extracting(Dgram::udpLen).containsExactly(8 + 8000);
        // the kernel's aggregate, alone in a pcap, cut by pktsim's UDP GSO (software checksums, as on the wire)
        final Path aggregate = tmp.resolve("aggregate.pcap");
        try (PcapWriter w = PcapWriter.open(aggregate, PcapFormat.LINKTYPE_ETHERNET, 65_535)) {
            for (final Rec r : ours(lastLive)) {
                w.writeRecord(r.timeNs(), r.frame(), 0, r.frame().length, r.frame().length);
            }
        }
        final Path cut = tmp.resolve("cut.pcap");
        final Run r = run("gso", "--in", aggregate.toString(), "--gso-size", "1000", "--udp-gso", "--out",
            cut.toString());
        assertThat(r.code()).as("%s", r).isZero();
        final List<Rec> sent = readPcap(in);
        final List<Rec> back = readPcap(cut);
        assertThat(back).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            final byte[] a = sent.get(i).frame().clone();
            final byte[] b = back.get(i).frame().clone();
            assertThat((b[18] & 0xFF) << 8 | b[19] & 0xFF).as("IPv4 ID of datagram %d", i).isEqualTo(i);
            // the same bytes but for the ID and the IP header checksum, which covers it
            for (final int at : new int[] {18, 19, 24, 25}) {
                a[at] = 0;
                b[at] = 0;
            }
            assertThat(b).as("datagram %d", i).isEqualTo(a);
        }
    }

    private Path lastLive;

    /** Sends the burst and runs pktsim gro on it; asserts both pass up the same packets. */
    private List<Dgram> compare(final Path in) throws Exception {
        final Path out = tmp.resolve(in.getFileName() + "-pktsim.pcap");
        final List<String> args = new ArrayList<>(List.of("gro", "--in", in.toString(), "--out", out.toString(),
            "--rx-hash", "none", "--rx-csum", "none", "--gro-flush-timeout-ns",
            Long.toString(VethGroLab.FLUSH_TIMEOUT_NS), "--napi-defer-hard-irqs", "1", "--udp-gro-forwarding"));
        final int hz = GroFraglistLiveKernelTest.kernelHz();
        if (hz > 0) {
            args.addAll(List.of("--hz", Integer.toString(hz)));
        }
        final Run r = run(args.toArray(new String[0]));
        assertThat(r.code()).as("%s", r).isZero();
        final List<Dgram> model = datagrams(readPcap(out));
        final List<List<Dgram>> attempts = new ArrayList<>();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            final Path cap = tmp.resolve(in.getFileName() + "-live-" + attempt + ".pcap");
            lab.capture(in, cap);
            lastLive = cap;
            final List<Dgram> live = datagrams(ours(cap));
            attempts.add(live);
            if (live.equals(model)) {
                break;
            }
        }
        assertThat(attempts.get(attempts.size() - 1)).as("the kernel (rx-udp-gro-forwarding on; every attempt: %s) "
            + "vs pktsim gro --udp-gro-forwarding", attempts).isEqualTo(model);
        return model;
    }

    /** The frames of a live capture that this test sent (by their source MAC). */
    private static List<Rec> ours(final Path cap) throws Exception {
        final List<Rec> mine = new ArrayList<>();
        for (final Rec r : readPcap(cap)) {
            if (Arrays.equals(Arrays.copyOfRange(r.frame(), 6, 12), VethGroLab.SRC_MAC)) {
                mine.add(r);
            }
        }
        return mine;
    }

    private static List<Dgram> datagrams(final List<Rec> recs) {
        final List<Dgram> up = new ArrayList<>();
        for (final Rec r : recs) {
            final byte[] f = r.frame();
            assertThat(f[14 + 9]).as("UDP").isEqualTo((byte) 17);
            final int ipLen = (f[16] & 0xFF) << 8 | f[17] & 0xFF;
            assertThat(r.originalLength()).as("frame length").isEqualTo(14 + ipLen);
            up.add(new Dgram(ipLen, (f[38] & 0xFF) << 8 | f[39] & 0xFF, (f[40] & 0xFF) << 8 | f[41] & 0xFF));
        }
        return up;
    }

    /** UDP datagrams of the given payload sizes, timed as {@link VethGroLab#udpBurst}. */
    private Path burst(final String name, final int... payloads) throws Exception {
        return VethGroLab.udpBurst(tmp.resolve(name + ".pcap"), lab.v1Mac(), payloads);
    }
}
