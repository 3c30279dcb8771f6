package io.pktsim.nic.ppe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The FOE entry a frame reaches the CPU with and the {@code skb->hash} the driver makes of it
 * ({@code mtk_ppe_hash_entry()}, drivers/net/ethernet/mediatek/mtk_ppe.c; {@code mtk_poll_rx()}, mtk_eth_soc.c;
 * Linux 6.18). The fixed vectors were computed outside Java from the kernel's C (a Python transcription of
 * {@code mtk_ppe_hash_entry} and {@code jhash_1word}).
 */
class PpeSkbHashTest {

    static final int LAN = 0xC0A8_0102;
    static final int REMOTE = 0x5DB8_D822;
    static final int PORTS = (40000 << 16) | 443;

    final PpeFlowTable ppe = new PpeFlowTable(PpeConfig.mt7621());

    /** mtk_ppe_hash_entry() for MTK_PPE_PKT_TYPE_IPV6_ROUTE_5T, word for word, MT7621 (hash_offset 2). */
    static int kernelIpv6Hash(final int[] src, final int[] dest, final int ports) {
        int hv1 = src[3] ^ dest[3];
        hv1 ^= ports;
        int hv2 = src[2] ^ dest[2];
        hv2 ^= dest[0];
        int hv3 = src[1] ^ dest[1];
        hv3 ^= src[0];
        int hash = (hv1 & hv2) | (~hv1 & hv3);
        hash = (hash >>> 24) | ((hash & 0xffffff) << 8);
        hash ^= hv1 ^ hv2 ^ hv3;
        hash ^= hash >>> 16;
        hash <<= 1;
        return hash & (8192 - 1);
    }

    @Test
    void shouldGiveTheKernelsEntryAndSkbHashForAnIpv4Tuple() {
        // 192.168.1.2:40000 -> 93.184.216.34:443
        assertThat(ppe.hash(LAN, REMOTE, PORTS)).isEqualTo(1838);
        assertThat(ppe.idleTableIndex(LAN, REMOTE, PORTS)).isEqualTo(1838);
        assertThat(ppe.receive(LAN, REMOTE, PORTS, 6, 0)).isEqualTo(PpeFlowTable.Result.TO_CPU);
        assertThat(ppe.lastHash()).isEqualTo(1838);
        assertThat(PpeFlowTable.skbHash(1838)).isEqualTo(0x29f5_59c7);
        assertThat(PpeFlowTable.skbHash(0)).isEqualTo(0x0493_96b8);
    }

    @Test
    void shouldHashAnIpv6FiveTupleAsTheKernelDoesThroughTheThreeFolds() {
        // 2001:db8:1::c0a8:102:40000 -> 2606:2800::5db8:d822:443
        final int[] s = {0x2001_0db8, 0x0001_0000, 0, 0xc0a8_0102};
        final int[] d = {0x2606_2800, 0, 0, 0x5db8_d822};
        assertThat(ppe.hash(PpeFlowTable.ipv6Src(s[0], s[1], d[1]), PpeFlowTable.ipv6Dst(d[0], s[2], d[2]),
            PpeFlowTable.ipv6Ports(s[3], d[3], PORTS))).isEqualTo(5296).isEqualTo(kernelIpv6Hash(s, d, PORTS));
        assertThat(PpeFlowTable.skbHash(5296)).isEqualTo(0xf634_2e3a);
        final SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            final int[] a = {r.nextInt(), r.nextInt(), r.nextInt(), r.nextInt()};
            final int[] b = {r.nextInt(), r.nextInt(), r.nextInt(), r.nextInt()};
            final int ports = r.nextInt();
            assertThat(ppe.hash(PpeFlowTable.ipv6Src(a[0], a[1], b[1]), PpeFlowTable.ipv6Dst(b[0], a[2], b[2]),
                PpeFlowTable.ipv6Ports(a[3], b[3], ports))).isEqualTo(kernelIpv6Hash(a, b, ports));
        }
    }

    @Test
    void shouldReportTheSecondWayWhenTheFirstIsAStaticBoundaryEntry() {
        // 7 of every 128 entries cross a 1 KiB boundary and are static: 12 (way 0 of bucket 6) and 25 (way 1 of
        // bucket 12). A flow hashing to 12 sits in 13; one hashing to 24 in 24.
        int to12 = -1;
        int to24 = -1;
        for (int port = 1; port < 65536 && (to12 < 0 || to24 < 0); port++) {
            final int h = ppe.hash(LAN, REMOTE, (40000 << 16) | port);
            if (h == 12 && to12 < 0) {
                to12 = port;
            } else if (h == 24 && to24 < 0) {
                to24 = port;
            }
        }
        assertThat(to12).isPositive();
        assertThat(to24).isPositive();
        assertThat(ppe.idleTableIndex(LAN, REMOTE, (40000 << 16) | to12)).isEqualTo(13);
        ppe.receive(LAN, REMOTE, (40000 << 16) | to12, 17, 0);
        assertThat(ppe.lastHash()).isEqualTo(13);
        assertThat(ppe.idleTableIndex(LAN, REMOTE, (40000 << 16) | to24)).isEqualTo(24);
        ppe.receive(LAN, REMOTE, (40000 << 16) | to24, 17, 0);
        assertThat(ppe.lastHash()).isEqualTo(24);
    }

    @Test
    void shouldPutASecondFlowOfTheBucketInItsOtherWay() {
        final int target = ppe.hash(LAN, REMOTE, PORTS);
        int other = -1;
        for (int port = 1; port < 65536; port++) {
            if (port != 443 && ppe.hash(LAN, REMOTE, (40000 << 16) | port) == target) {
                other = port;
                break;
            }
        }
        assertThat(other).isPositive();
        ppe.receive(LAN, REMOTE, PORTS, 6, 0);
        ppe.receive(LAN, REMOTE, (40000 << 16) | other, 6, 0);
        // the second flow's frames reach the CPU with entry target + 1 (another skb->hash), the first keeps its own
        assertThat(ppe.lastHash()).isEqualTo(target + 1);
        ppe.receive(LAN, REMOTE, PORTS, 6, 1);
        assertThat(ppe.lastHash()).isEqualTo(target);
    }
}
