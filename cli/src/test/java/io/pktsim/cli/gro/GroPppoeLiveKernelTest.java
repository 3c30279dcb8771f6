package io.pktsim.cli.gro;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.cli.PktsimMain;
import io.pktsim.core.pcap.PcapFormat;
import io.pktsim.core.pcap.PcapReader;
import io.pktsim.core.pcap.PcapWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mainline Linux has no GRO handler for PPPoE session frames, which is why pktsim's {@code napi.pppoeGro} (OpenWrt's
 * patch) is off by default: checked on the running kernel. Inside a network namespace made for this test, eight
 * back-to-back TCP segments of one flow go into a veth whose peer runs GRO in NAPI (as the kernel's
 * tools/testing/selftests/net/gro.sh sets it up: {@code ethtool -K gro on}, {@code gro_flush_timeout} 1 ms,
 * {@code napi_defer_hard_irqs} 1; no TSO on the sender, so {@code veth_skb_is_eligible_for_gro()} holds); a
 * capture on the peer shows what GRO passed up. As plain IPv4 frames the kernel merges them; as PPPoE session
 * frames carrying the same IP packets it passes them up one by one. {@code pktsim gro} on the same frames must show
 * the same records. Nothing leaves the namespace. Skips itself (JUnit assumption) without root, {@code ip netns},
 * {@code ethtool}, {@code python3} (which sends the frames on a packet socket) or {@code dumpcap}.
 *
 * <p>With {@code --pppoe-gro} (OpenWrt's {@code pppoe_gro_receive}, 650-net-pppoe-implement-GRO-support.patch)
 * {@code pktsim gro} must merge the same eight PPPoE session frames into one aggregate, its PPPoE length rewritten
 * as {@code pppoe_gro_complete} does. That half is checked against the model's own expectation only: the running
 * (mainline) kernel has no PPPoE GRO handler, so it cannot be asked what OpenWrt's kernel would do.
 */
@Tag("live-kernel")
class GroPppoeLiveKernelTest {

    @TempDir
    Path tmp;

    private static final int SEGMENTS = 8;
    private static final int PAYLOAD = 1000;

    @Test
    void shouldMergePlainFramesButPassPppoeSessionFramesUpAloneAsPktsimDoes() throws Exception {
        try (VethGroLab lab = VethGroLab.open("pktsim-gro")) {
            final byte[] dst = lab.v1Mac();
            for (final boolean pppoe : new boolean[] {false, true}) {
                final Path in = tmp.resolve((pppoe ? "pppoe" : "ipv4") + ".pcap");
                try (PcapWriter w = PcapWriter.open(in, PcapFormat.LINKTYPE_ETHERNET, 65_535)) {
                    for (int i = 0; i < SEGMENTS; i++) {
                        final byte[] f = VethGroLab.frame(dst, i, PAYLOAD, VethGroLab.TCP_ACK, pppoe);
                        // one timestamp: pktsim gro takes them in one poll, as the kernel's flush timeout lets
                        // its NAPI hold them across the polls they arrive in
                        w.writeRecord(0L, f, 0, f.length, f.length);
                    }
                }
                final Path cap = tmp.resolve((pppoe ? "pppoe" : "ipv4") + "-live.pcap");
                lab.capture(in, cap);
                final List<Integer> live = lengthsFrom(cap, true);
                final Path out = tmp.resolve((pppoe ? "pppoe" : "ipv4") + "-pktsim.pcap");
                final StringWriter err = new StringWriter();
                assertThat(PktsimMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "gro",
                    "--in", in.toString(), "--out", out.toString(), "--rx-hash", "none", "--rx-csum", "none"))
                    .as(err.toString())
                    .isZero();
                final List<Integer> model = lengthsFrom(out, false);
                if (pppoe) {
                    assertThat(live).as("the kernel passes PPPoE session frames up one by one")
                        .hasSize(SEGMENTS).containsOnly(14 + 8 + 20 + 32 + PAYLOAD);
                    assertThat(model).as("pktsim gro: no GRO handler for ETH_P_PPP_SES").isEqualTo(live);
                    // OpenWrt's handler: not checkable on this kernel (mainline has none), see the class javadoc
                    final Path merged = tmp.resolve("pppoe-pktsim-openwrt.pcap");
                    assertThat(PktsimMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "gro",
                        "--in", in.toString(), "--out", merged.toString(), "--rx-hash", "none", "--rx-csum", "none",
                        "--pppoe-gro")).as(err.toString()).isZero();
                    final int aggregate = 14 + 8 + 20 + 32 + SEGMENTS * PAYLOAD;
                    assertThat(lengthsFrom(merged, false)).as("pktsim gro --pppoe-gro: one aggregate")
                        .containsExactly(aggregate);
                    try (PcapReader r = PcapReader.open(merged)) {
                        assertThat(r.next()).isTrue();
                        assertThat(r.frame().getShort(18, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF)
                            .as("pppoe_gro_complete(): the PPPoE length").isEqualTo(aggregate - 20);
                    }
                } else {
                    // one aggregate; two if a jiffy ticked during the burst (the flush timeout's old-jiffy flush)
                    assertThat(live).as("the kernel merges the plain frames").hasSizeBetween(1, 2);
                    assertThat(live.stream().mapToInt(Integer::intValue).sum() - live.size() * (14 + 20 + 32))
                        .isEqualTo(SEGMENTS * PAYLOAD);
                    assertThat(model).as("pktsim gro merges them").containsExactly(14 + 20 + 32 + SEGMENTS * PAYLOAD);
                }
            }
        }
    }

    /** The original lengths of the records of a capture; from the live one only the frames this test sent. */
    private static List<Integer> lengthsFrom(final Path file, final boolean ours) throws Exception {
        final List<Integer> lengths = new ArrayList<>();
        try (PcapReader r = PcapReader.open(file)) {
            final byte[] src = new byte[6];
            while (r.next()) {
                r.frame().getBytes(6, src, 0, 6);
                if (!ours || java.util.Arrays.equals(src, VethGroLab.SRC_MAC)) {
                    lengths.add(r.originalLength());
                }
            }
        }
        return lengths;
    }
}
