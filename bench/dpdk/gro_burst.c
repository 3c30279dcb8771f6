/*
 * DPDK's side of the GRO comparison: librte_gro's rte_gro_reassemble_burst() (DPDK 22.11) on the bursts that
 * bench's GroBench.receivePrepared gives pktsim's GroTable: 32 TCP/IPv4 segments per burst (Ethernet, IPv4 with
 * DF, TCP with the timestamp option, 1448 bytes of payload: 1514-byte frames), from FLOWS interleaved flows, each
 * flow's segments in order. Each burst is built just before it is timed (so its headers are in the cache, as
 * GroBench prepares each invocation's burst), and timed with the TSC. See bench/dpdk/README.md.
 *
 * Usage: gro_burst FLOWS [BURSTS] [ROUNDS]
 * Prints, per round of BURSTS bursts, ns per packet in DPDK's two modes. Lightweight: "burst" times
 * rte_gro_reassemble_burst() alone (the merged packets are freed after the clock stops), "burst+free" also frees
 * the burst's output, as GroBench.receivePrepared's poll delivers and frees every packet; then the packets out per
 * burst. Heavyweight (a context made once): "ctx+flush" times rte_gro_reassemble() and rte_gro_timeout_flush() with
 * a timeout of 0 (everything held), "ctx+flush+free" also frees what they return.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_gro.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_tcp.h>
#include <rte_version.h>

#define BURST 32
#define PAYLOAD 1448
#define TCP_HDR_LEN 32 /* 20 + NOP, NOP, timestamps (10) */

static uint32_t seq_of[64];
static uint16_t ipid_of[64];

/* One segment of flow f, as GroBench's PacketBuilder writes it (ports 40000 + f -> 80, ACK, TSval 1, TSecr 2). */
static struct rte_mbuf *segment(struct rte_mempool *pool, int f)
{
    struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
    if (m == NULL) {
        fprintf(stderr, "gro_burst: the mbuf pool is empty\n");
        exit(1);
    }
    const uint16_t len = RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) + TCP_HDR_LEN + PAYLOAD;
    uint8_t *p = (uint8_t *) rte_pktmbuf_append(m, len);
    if (p == NULL) {
        fprintf(stderr, "gro_burst: a %u-byte frame does not fit an mbuf\n", len);
        exit(1);
    }
    struct rte_ether_hdr *eth = (struct rte_ether_hdr *) p;
    memset(eth, 0, sizeof(*eth));
    eth->dst_addr.addr_bytes[0] = 0x02;
    eth->src_addr.addr_bytes[0] = 0x02;
    eth->src_addr.addr_bytes[5] = 0x01;
    eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
    struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *) (eth + 1);
    memset(ip, 0, sizeof(*ip));
    ip->version_ihl = RTE_IPV4_VHL_DEF;
    ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + TCP_HDR_LEN + PAYLOAD);
    ip->packet_id = rte_cpu_to_be_16(ipid_of[f]++);
    ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
    ip->time_to_live = 64;
    ip->next_proto_id = IPPROTO_TCP;
    ip->src_addr = rte_cpu_to_be_32(0x0a000001);
    ip->dst_addr = rte_cpu_to_be_32(0x0a000002);
    ip->hdr_checksum = rte_ipv4_cksum(ip);
    struct rte_tcp_hdr *tcp = (struct rte_tcp_hdr *) (ip + 1);
    memset(tcp, 0, TCP_HDR_LEN);
    tcp->src_port = rte_cpu_to_be_16(40000 + f);
    tcp->dst_port = rte_cpu_to_be_16(80);
    tcp->sent_seq = rte_cpu_to_be_32(seq_of[f]);
    seq_of[f] += PAYLOAD;
    tcp->recv_ack = rte_cpu_to_be_32(1);
    tcp->data_off = (TCP_HDR_LEN / 4) << 4;
    tcp->tcp_flags = RTE_TCP_ACK_FLAG;
    tcp->rx_win = rte_cpu_to_be_16(65535);
    uint8_t *opt = (uint8_t *) (tcp + 1);
    opt[0] = 1;
    opt[1] = 1;
    opt[2] = 8;
    opt[3] = 10;
    uint32_t tsval = rte_cpu_to_be_32(1), tsecr = rte_cpu_to_be_32(2);
    memcpy(opt + 4, &tsval, 4);
    memcpy(opt + 8, &tsecr, 4);
    m->l2_len = RTE_ETHER_HDR_LEN;
    m->l3_len = sizeof(*ip);
    m->l4_len = TCP_HDR_LEN;
    m->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4 | RTE_PTYPE_L4_TCP;
    m->hash.rss = 0x9E3779B9u * (uint32_t) (f + 1);
    m->ol_flags |= RTE_MBUF_F_RX_RSS_HASH | RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_GOOD;
    return m;
}

/* One burst of BURST segments, the flows in turn from *next. */
static void build(struct rte_mempool *pool, struct rte_mbuf **pkts, int flows, int *next)
{
    for (int i = 0; i < BURST; i++) {
        pkts[i] = segment(pool, *next);
        *next = (*next + 1) % flows;
    }
}

int main(int argc, char **argv)
{
    char *eal[] = {argv[0], "--no-huge", "-m", "1024", "--no-pci", "--no-telemetry", "--no-shconf", "-l", "0",
                   "--log-level", "error"};
    if (rte_eal_init((int) (sizeof(eal) / sizeof(eal[0])), eal) < 0) {
        fprintf(stderr, "gro_burst: rte_eal_init failed\n");
        return 1;
    }
    const int flows = argc > 1 ? atoi(argv[1]) : 1;
    const int bursts = argc > 2 ? atoi(argv[2]) : 500;
    const int rounds = argc > 3 ? atoi(argv[3]) : 10;
    if (flows < 1 || flows > 64 || bursts < 1 || rounds < 1) {
        fprintf(stderr, "gro_burst: FLOWS 1 to 64, BURSTS and ROUNDS at least 1\n");
        return 2;
    }
    struct rte_mempool *pool = rte_pktmbuf_pool_create("gro", 65535, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
    if (pool == NULL) {
        fprintf(stderr, "gro_burst: rte_pktmbuf_pool_create failed\n");
        return 1;
    }
    const struct rte_gro_param param = {
        .gro_types = RTE_GRO_TCP_IPV4,
        /* the fewest flows that hold every flow of a burst: the least table to clear on each call */
        .max_flow_num = (uint16_t) flows,
        .max_item_per_flow = BURST,
    };
    struct rte_mbuf *pkts[BURST];
    int next = 0;
    const double ns_per_tsc = 1e9 / (double) rte_get_tsc_hz();
    printf("# %s librte_gro, %d flow(s), %d bursts of %d a round, TSC %.3f GHz\n", rte_version(), flows, bursts,
           BURST, rte_get_tsc_hz() / 1e9);
    void *ctx = rte_gro_ctx_create(&param);
    if (ctx == NULL) {
        fprintf(stderr, "gro_burst: rte_gro_ctx_create failed\n");
        return 1;
    }
    struct rte_mbuf *flushed[BURST];
    printf("# round burst_ns_per_pkt burst+free_ns_per_pkt pkts_out_per_burst ctx+flush_ns_per_pkt "
           "ctx+flush+free_ns_per_pkt\n");
    for (int r = 0; r < rounds; r++) {
        uint64_t alone = 0, with_free = 0, ctx_alone = 0, ctx_free = 0;
        long outs = 0;
        for (int b = 0; b < bursts; b++) {
            build(pool, pkts, flows, &next);
            uint64_t t0 = rte_rdtsc();
            const uint16_t n = rte_gro_reassemble_burst(pkts, BURST, &param);
            alone += rte_rdtsc() - t0;
            outs += n;
            rte_pktmbuf_free_bulk(pkts, n);
            build(pool, pkts, flows, &next);
            t0 = rte_rdtsc();
            rte_pktmbuf_free_bulk(pkts, rte_gro_reassemble_burst(pkts, BURST, &param));
            with_free += rte_rdtsc() - t0;
            /* heavyweight mode: the table outlives the call; the burst's end flushes everything it holds */
            build(pool, pkts, flows, &next);
            t0 = rte_rdtsc();
            uint16_t left = rte_gro_reassemble(pkts, BURST, ctx);
            uint16_t done = rte_gro_timeout_flush(ctx, 0, RTE_GRO_TCP_IPV4, flushed, BURST);
            ctx_alone += rte_rdtsc() - t0;
            rte_pktmbuf_free_bulk(pkts, left);
            rte_pktmbuf_free_bulk(flushed, done);
            build(pool, pkts, flows, &next);
            t0 = rte_rdtsc();
            left = rte_gro_reassemble(pkts, BURST, ctx);
            done = rte_gro_timeout_flush(ctx, 0, RTE_GRO_TCP_IPV4, flushed, BURST);
            rte_pktmbuf_free_bulk(pkts, left);
            rte_pktmbuf_free_bulk(flushed, done);
            ctx_free += rte_rdtsc() - t0;
        }
        const double per = ns_per_tsc / ((double) bursts * BURST);
        printf("%d %.1f %.1f %.1f %.1f %.1f\n", r, alone * per, with_free * per, (double) outs / bursts,
               ctx_alone * per, ctx_free * per);
    }
    rte_gro_ctx_destroy(ctx);
    rte_eal_cleanup();
    return 0;
}
