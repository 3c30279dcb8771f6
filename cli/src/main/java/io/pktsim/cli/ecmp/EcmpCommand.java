package io.pktsim.cli.ecmp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.pktsim.cli.PktsimMain;
import io.pktsim.core.flow.FlowKey;
import io.pktsim.core.flow.InetText;
import io.pktsim.lb.ecmp.Ipv4MultipathRoute;
import io.pktsim.lb.ecmp.Ipv6MultipathRoute;
import io.pktsim.lb.ecmp.MultipathHash;
import io.pktsim.lb.ecmp.NexthopChooser;
import io.pktsim.lb.ecmp.ResilientNexthopGroup;
import io.pktsim.lb.spread.DialSpread;
import io.pktsim.nic.ppe.PpeFlowTable;
import io.pktsim.stack.fib.MultipathLookup;
import io.pktsim.stack.fib.MultipathSelector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code pktsim ecmp}: prints, for every flow of a CSV file, the 31-bit multipath hash and the nexthop Linux
 * 6.18 chooses. See docs/ecmp.md.
 */
@Command(
    name = "ecmp",
    mixinStandardHelpOptions = true,
    description = {
        "Which nexthop (dial) each flow takes under Linux 6.18 ECMP.",
        "Reads a CSV with a header and the columns",
        "src,dst,proto,sport,dport[,flowlabel][,skb_hash]; prints the same rows plus",
        "hash (31-bit, decimal) and nexthop (0-based index in --nexthops order), with",
        "--skb-hash ppe preceded by foe and skb_hash. With --explain, a block per flow",
        "that says why it takes that nexthop."})
public final class EcmpCommand implements Callable<Integer> {

    /** Rows hashed per {@link MultipathHash#hashAll} call. */
    private static final int CHUNK = 256;

    @Spec
    private CommandSpec spec;

    @Option(names = "--family", required = true, paramLabel = "ipv4|ipv6", description = "Address family.")
    private String family;

    @Option(names = "--policy", required = true, paramLabel = "0|1|2|3",
        description = "net.ipv{4,6}.fib_multipath_hash_policy.")
    private String policy;

    @Option(names = "--hash-fields", paramLabel = "MASK", defaultValue = "0x7",
        description = "fib_multipath_hash_fields for policy 3 (decimal or 0x-hex, 1..0xfff; default 0x7).")
    private String hashFields;

    @Option(names = "--seed", required = true, paramLabel = "N",
        description = "net.ipv4.fib_multipath_hash_seed (decimal or 0x-hex, 0..0xffffffff).")
    private String seed;

    @Option(names = "--nexthops", required = true, paramLabel = "W1,W2,...",
        description = "Nexthop weights in route order, 1..256 each.")
    private String nexthops;

    @Option(names = "--dead", paramLabel = "I,J", description = "0-based nexthops whose device is down.")
    private String dead;

    @Option(names = "--resilient", paramLabel = "BUCKETS",
        description = "Use a resilient nexthop group with this many buckets instead of a multipath route.")
    private String resilient;

    @Option(names = "--local", description = "Flows are generated locally (flow path of the hash) instead of "
        + "forwarded; with --nexthop-src, a flow whose source is a nexthop's address leaves through it (IPv4).")
    private boolean local;

    @Option(names = "--nexthop-src", paramLabel = "A1,A2,...",
        description = "IPv4 preferred source address of each nexthop (for --local).")
    private String nexthopSources;

    @Option(names = "--summary", description = "After the rows, print per-nexthop counts and the imbalance on "
        + "standard error.")
    private boolean summary;

    @Option(names = "--summary-only", description = "Print only the summary, on standard output.")
    private boolean summaryOnly;

    @Option(names = "--explain", description = "Instead of the CSV rows, print for each flow a block saying why "
        + "it takes its nexthop, stage by stage: the fields the policy hashes, the address and port swap, the hashed "
        + "flow_keys bytes, the SipHash-2-4 output, the 31-bit hash, the upper bounds (or the resilient bucket) and "
        + "the choice, naming the kernel function of each stage. Combines with --summary (on standard error), not "
        + "with --summary-only.")
    private boolean explain;

    @Option(names = "--skb-hash", paramLabel = "none|ppe", defaultValue = "none",
        description = "ppe: each TCP/UDP flow's packets carry the L4 skb->hash a Phicomm K2P (MT7621) gives them "
            + "under Linux 6.18, jhash_1word(FOE entry, 0) (mtk_poll_rx()); adds the columns foe and skb_hash. "
            + "none (default): only a skb_hash column of the flows file sets one.")
    private String skbHashMode;

    @Option(names = "--flows", required = true, paramLabel = "FILE", description = "The flows CSV, - for stdin.")
    private String flows;

    /** Bad input: the message is printed as one line and the command exits 2. */
    static final class BadInput extends Exception {
        private static final long serialVersionUID = 1L;

        BadInput(final String message) {
            super(message);
        }
    }

    /**
     * One parsed flow row.
     *
     * @param skbHash the L4 {@code skb->hash} its packets carry, unsigned 32-bit, or {@link #NO_SKB_HASH}
     * @param foe the K2P PPE's FOE entry the hash comes from ({@code --skb-hash ppe}), or {@link PpeRx#NO_ENTRY}
     */
    record Flow(int line, String text, int src, long srcHi, long srcLo, int dst, long dstHi, long dstLo, int proto,
                int sport, int dport, int label, long skbHash, int foe) {

        /** {@link #skbHash()} of a flow whose packets carry no L4 hash. */
        static final long NO_SKB_HASH = -1;

        /** @return whether the flow's packets carry an L4 {@code skb->hash} ({@code skb->l4_hash} set) */
        boolean hasSkbHash() {
            return skbHash != NO_SKB_HASH;
        }

        /** @return this flow with the K2P PPE's entry and hash (none if {@code entry} is {@link PpeRx#NO_ENTRY}) */
        Flow withPpe(final int entry) {
            final long h = entry == PpeRx.NO_ENTRY ? NO_SKB_HASH
                : Integer.toUnsignedLong(PpeFlowTable.skbHash(entry));
            return new Flow(line, text, src, srcHi, srcLo, dst, dstHi, dstLo, proto, sport, dport, label, h, entry);
        }
    }

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        try {
            return run(out, err);
        } catch (final BadInput e) {
            err.println("pktsim ecmp: " + e.getMessage());
            err.flush();
            return PktsimMain.EXIT_USAGE;
        }
    }

    private int run(final PrintWriter out, final PrintWriter err) throws BadInput {
        final int fam = switch (family.toLowerCase(Locale.ROOT)) {
            case "ipv4", "4" -> FlowKey.FAMILY_IPV4;
            case "ipv6", "6" -> FlowKey.FAMILY_IPV6;
            default -> throw new BadInput("--family must be ipv4 or ipv6, not '" + family + "'");
        };
        final int pol = (int) parseNumber("--policy", policy, 0, 3);
        final int fields = (int) parseNumber("--hash-fields", hashFields, 1, MultipathHash.FIELD_ALL_MASK);
        final long seedValue = parseNumber("--seed", seed, 0, 0xFFFF_FFFFL);
        final int[] weights = parseWeights(nexthops);
        final boolean[] isDead = parseDead(dead, weights.length);
        final int[] sources = parseSources(fam, weights.length);
        final int buckets = resilient == null ? 0 : (int) parseNumber("--resilient", resilient, weights.length, 0xFFFF);
        int alive = 0;
        for (final boolean d : isDead) {
            alive += d ? 0 : 1;
        }
        if (alive == 0) {
            throw new BadInput("--dead: every nexthop is dead, the route has no usable nexthop");
        }

        if (explain && summaryOnly) {
            throw new BadInput("--explain prints a block per flow and --summary-only none: use one of them");
        }
        final PpeRx ppe = switch (skbHashMode.strip().toLowerCase(Locale.ROOT)) {
            case "none" -> null;
            case "ppe" -> new PpeRx(fam);
            default -> throw new BadInput("--skb-hash must be none or ppe, not '" + skbHashMode + "'");
        };

        final List<String> header = new ArrayList<>();
        final List<Flow> rows = readFlows(fam, header, ppe != null);
        if (ppe != null) {
            for (int i = 0; i < rows.size(); i++) {
                rows.set(i, rows.get(i).withPpe(ppe.foe(rows.get(i))));
            }
        }

        final MultipathHash hash = new MultipathHash(fam, pol, fields, seedValue);
        final NexthopChooser chooser = buildChooser(fam, weights, isDead, sources, buckets);
        final int[] hashes = new int[rows.size()];
        final int[] chosen = new int[rows.size()];
        // The rows go through the batch hash in chunks (IPv6 flows two at a time, interleaved): the lookups
        // and the chunk's hashes are reused, indexed by the row's place in the chunk.
        final MultipathLookup[] chunk = new MultipathLookup[CHUNK];
        for (int k = 0; k < CHUNK; k++) {
            chunk[k] = new MultipathLookup();
        }
        final int[] chunkHashes = new int[CHUNK];
        for (int start = 0; start < rows.size(); start += CHUNK) {
            final int n = Math.min(CHUNK, rows.size() - start);
            for (int k = 0; k < n; k++) {
                final Flow f = rows.get(start + k);
                final MultipathLookup lookup = chunk[k].reset();
                if (fam == FlowKey.FAMILY_IPV4) {
                    lookup.key().setIpv4(f.src(), f.dst(), f.proto(), f.sport(), f.dport());
                } else {
                    lookup.key().setIpv6(f.srcHi(), f.srcLo(), f.dstHi(), f.dstLo(), f.proto(), f.sport(),
                        f.dport(), f.label());
                }
                lookup.packetPath(!local).hasSource(local);
                if (f.hasSkbHash()) {
                    // MultipathHash decides whether the hash is read: policy 1 on the packet path only.
                    lookup.skbHash((int) f.skbHash(), true);
                }
            }
            hash.hashAll(chunk, 0, n, chunkHashes);
            for (int k = 0; k < n; k++) {
                final int i = start + k;
                hashes[i] = chunkHashes[k];
                chosen[i] = chooser.choose(hashes[i], chunk[k]);
                if (chosen[i] == MultipathSelector.NO_NEXTHOP) {
                    throw new BadInput("line " + rows.get(i).line() + ": no usable nexthop");
                }
            }
        }

        if (explain) {
            final EcmpExplain ex = new EcmpExplain(fam, pol, fields, seedValue, weights, isDead, sources, local,
                hash, chooser, ppe);
            for (int i = 0; i < rows.size(); i++) {
                if (i > 0) {
                    out.println();
                }
                ex.explain(out, i + 1, rows.get(i), hashes[i], chosen[i]);
            }
            out.flush();
        } else if (!summaryOnly) {
            out.println(String.join(",", header) + (ppe != null ? ",foe,skb_hash" : "") + ",hash,nexthop");
            for (int i = 0; i < rows.size(); i++) {
                final Flow f = rows.get(i);
                out.println(f.text() + (ppe != null ? ppeColumns(f) : "") + "," + hashes[i] + "," + chosen[i]);
            }
            out.flush();
        }
        if (summary || summaryOnly) {
            final PrintWriter to = summaryOnly ? out : err;
            printSummary(to, weights, isDead, chosen);
            to.flush();
        }
        return PktsimMain.EXIT_OK;
    }

    /** The {@code ,foe,skb_hash} cells of a row under {@code --skb-hash ppe}: empty when the row has none. */
    private static String ppeColumns(final Flow f) {
        if (!f.hasSkbHash()) {
            return ",,";
        }
        return "," + f.foe() + "," + String.format(Locale.ROOT, "0x%08x", f.skbHash());
    }

    private static NexthopChooser buildChooser(final int fam, final int[] weights, final boolean[] isDead,
        final int[] sources, final int buckets) {
        if (buckets > 0) {
            final ResilientNexthopGroup g = new ResilientNexthopGroup(weights, buckets,
                ResilientNexthopGroup.DEFAULT_IDLE_TIMER_NS, 0, 0);
            for (int i = 0; i < weights.length; i++) {
                if (isDead[i]) {
                    g.removeMember(i, 0);
                }
            }
            return g;
        }
        if (fam == FlowKey.FAMILY_IPV4) {
            final Ipv4MultipathRoute r = new Ipv4MultipathRoute(weights);
            for (int i = 0; i < weights.length; i++) {
                if (sources != null) {
                    r.setPreferredSource(i, sources[i]);
                }
                if (isDead[i]) {
                    r.deviceDown(i);
                }
            }
            return r;
        }
        final Ipv6MultipathRoute r = new Ipv6MultipathRoute(weights);
        for (int i = 0; i < weights.length; i++) {
            if (isDead[i]) {
                r.deviceDown(i);
            }
        }
        return r;
    }

    private static void printSummary(final PrintWriter to, final int[] weights, final boolean[] isDead,
        final int[] chosen) {
        final int n = weights.length;
        final long[] counts = new long[n];
        for (final int c : chosen) {
            counts[c]++;
        }
        long total = 0;
        for (int i = 0; i < n; i++) {
            total += isDead[i] ? 0 : weights[i];
        }
        final double[] p = new double[n];
        double worst = 0;
        int busy = 0;
        to.println("nexthop,weight,flows,share,expected_share");
        for (int i = 0; i < n; i++) {
            p[i] = isDead[i] ? 0 : (double) weights[i] / total;
            final double share = chosen.length == 0 ? 0 : (double) counts[i] / chosen.length;
            to.printf(Locale.ROOT, "%d,%d,%d,%.4f,%.4f%n", i, weights[i], counts[i], share, p[i]);
            if (p[i] > 0 && chosen.length > 0) {
                worst = Math.max(worst, share / p[i]);
            }
            busy += counts[i] > 0 ? 1 : 0;
        }
        to.printf(Locale.ROOT, "imbalance,%.4f%n", worst);
        to.printf(Locale.ROOT, "busy_nexthops,%d%n", busy);
        to.printf(Locale.ROOT, "expected_busy_nexthops,%.4f%n", DialSpread.expectedBusyWeighted(p, chosen.length));
    }

    private List<Flow> readFlows(final int fam, final List<String> header, final boolean ppe) throws BadInput {
        final List<Flow> rows = new ArrayList<>();
        try (BufferedReader r = open()) {
            final String head = r.readLine();
            if (head == null) {
                throw new BadInput("line 1: empty input, expected a header "
                    + "src,dst,proto,sport,dport[,flowlabel][,skb_hash]");
            }
            final String[] cols = head.strip().split(",", -1);
            int iSrc = -1;
            int iDst = -1;
            int iProto = -1;
            int iSport = -1;
            int iDport = -1;
            int iLabel = -1;
            int iSkbHash = -1;
            for (int c = 0; c < cols.length; c++) {
                final String name = cols[c].strip().toLowerCase(Locale.ROOT);
                header.add(cols[c].strip());
                switch (name) {
                    case "src" -> iSrc = c;
                    case "dst" -> iDst = c;
                    case "proto" -> iProto = c;
                    case "sport" -> iSport = c;
                    case "dport" -> iDport = c;
                    case "flowlabel" -> iLabel = c;
                    case "skb_hash" -> iSkbHash = c;
                    default -> throw new BadInput("line 1: unknown column '" + cols[c].strip()
                        + "', expected src,dst,proto,sport,dport[,flowlabel][,skb_hash]");
                }
            }
            if (ppe && iSkbHash >= 0) {
                throw new BadInput("--skb-hash ppe computes each flow's skb->hash, but line 1 of --flows has a "
                    + "skb_hash column (column " + (iSkbHash + 1) + "): use one or the other");
            }
            if (iSrc < 0 || iDst < 0 || iProto < 0 || iSport < 0 || iDport < 0) {
                throw new BadInput("line 1: the header must name src,dst,proto,sport,dport (flowlabel, skb_hash "
                    + "optional)");
            }
            String line;
            int n = 1;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                final String[] f = line.strip().split(",", -1);
                if (f.length != cols.length) {
                    throw new BadInput("line " + n + ": " + f.length + " fields, the header has " + cols.length);
                }
                final Flow flow = parseFlow(fam, n, f, iSrc, iDst, iProto, iSport, iDport, iLabel, line.strip());
                rows.add(iSkbHash < 0 || f[iSkbHash].isBlank() ? flow : withSkbHash(flow, f[iSkbHash].strip()));
            }
        } catch (final NoSuchFileException e) {
            throw new BadInput("--flows: no such file: " + flows);
        } catch (final IOException e) {
            throw new BadInput("--flows: cannot read " + flows + ": " + e.getMessage());
        }
        return rows;
    }

    private BufferedReader open() throws IOException {
        final InputStream in = "-".equals(flows) ? System.in : Files.newInputStream(Path.of(flows));
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    private static Flow parseFlow(final int fam, final int n, final String[] f, final int iSrc, final int iDst,
        final int iProto, final int iSport, final int iDport, final int iLabel, final String text) throws BadInput {
        final int proto = parseProto(fam, n, f[iProto].strip());
        final int sport = (int) parseField(n, "sport", f[iSport].strip(), 0, 65535);
        final int dport = (int) parseField(n, "dport", f[iDport].strip(), 0, 65535);
        final int label = iLabel < 0 || f[iLabel].isBlank() ? 0
            : (int) parseField(n, "flowlabel", f[iLabel].strip(), 0, 0xFFFFF);
        if (fam == FlowKey.FAMILY_IPV4) {
            if (label != 0) {
                throw new BadInput("line " + n + ": flowlabel " + label + " given for IPv4 (IPv6 only)");
            }
            return new Flow(n, text, ipv4(n, "src", f[iSrc].strip()), 0, 0, ipv4(n, "dst", f[iDst].strip()), 0, 0,
                proto, sport, dport, 0, Flow.NO_SKB_HASH, PpeRx.NO_ENTRY);
        }
        final byte[] s = ipv6(n, "src", f[iSrc].strip());
        final byte[] d = ipv6(n, "dst", f[iDst].strip());
        return new Flow(n, text, 0, InetText.hi(s), InetText.lo(s), 0, InetText.hi(d), InetText.lo(d), proto, sport,
            dport, label, Flow.NO_SKB_HASH, PpeRx.NO_ENTRY);
    }

    /** The row with the {@code skb_hash} cell's value (decimal or 0x hex, 0..0xffffffff). */
    private static Flow withSkbHash(final Flow f, final String text) throws BadInput {
        final long v;
        try {
            v = parseLong(text);
        } catch (final NumberFormatException e) {
            throw new BadInput("line " + f.line() + ": skb_hash '" + text + "' is not a number (decimal or 0x hex, "
                + "0..0xffffffff, or empty for none)");
        }
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new BadInput("line " + f.line() + ": skb_hash " + text + " is out of range 0..0xffffffff");
        }
        return new Flow(f.line(), f.text(), f.src(), f.srcHi(), f.srcLo(), f.dst(), f.dstHi(), f.dstLo(), f.proto(),
            f.sport(), f.dport(), f.label(), v, PpeRx.NO_ENTRY);
    }

    private static int ipv4(final int n, final String what, final String text) throws BadInput {
        try {
            return InetText.parseIpv4(text);
        } catch (final IllegalArgumentException e) {
            throw new BadInput("line " + n + ": " + what + " '" + text + "' is not an IPv4 address");
        }
    }

    private static byte[] ipv6(final int n, final String what, final String text) throws BadInput {
        try {
            return InetText.parseIpv6(text);
        } catch (final IllegalArgumentException e) {
            throw new BadInput("line " + n + ": " + what + " '" + text + "' is not an IPv6 address");
        }
    }

    private static int parseProto(final int fam, final int n, final String text) throws BadInput {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "tcp":
                return FlowKey.PROTO_TCP;
            case "udp":
                return FlowKey.PROTO_UDP;
            case "icmp":
                return fam == FlowKey.FAMILY_IPV4 ? FlowKey.PROTO_ICMP : FlowKey.PROTO_ICMPV6;
            case "icmpv6":
            case "ipv6-icmp":
                return FlowKey.PROTO_ICMPV6;
            default:
                return (int) parseField(n, "proto", text, 0, 255);
        }
    }

    private static long parseField(final int n, final String what, final String text, final long min,
        final long max) throws BadInput {
        final long v;
        try {
            v = parseLong(text);
        } catch (final NumberFormatException e) {
            throw new BadInput("line " + n + ": " + what + " '" + text + "' is not a number");
        }
        if (v < min || v > max) {
            throw new BadInput("line " + n + ": " + what + " " + text + " is out of range " + min + ".." + max);
        }
        return v;
    }

    private static long parseNumber(final String option, final String text, final long min, final long max)
        throws BadInput {
        final long v;
        try {
            v = parseLong(text.strip());
        } catch (final NumberFormatException e) {
            throw new BadInput(option + " '" + text + "' is not a number");
        }
        if (v < min || v > max) {
            throw new BadInput(option + " " + text + " is out of range " + min + ".." + max);
        }
        return v;
    }

    private static long parseLong(final String text) {
        if (text.startsWith("0x") || text.startsWith("0X")) {
            return Long.parseLong(text.substring(2), 16);
        }
        return Long.parseLong(text);
    }

    private static int[] parseWeights(final String text) throws BadInput {
        if (text.isBlank()) {
            throw new BadInput("--nexthops: the nexthop list is empty");
        }
        final String[] parts = text.split(",", -1);
        final int[] w = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            final String p = parts[i].strip();
            try {
                w[i] = Integer.parseInt(p);
            } catch (final NumberFormatException e) {
                throw new BadInput("--nexthops: weight " + (i + 1) + " '" + p + "' is not a number");
            }
            if (w[i] < 1 || w[i] > Ipv4MultipathRoute.MAX_WEIGHT) {
                throw new BadInput("--nexthops: weight " + (i + 1) + " is " + w[i] + ", allowed 1..256");
            }
        }
        return w;
    }

    private static boolean[] parseDead(final String text, final int count) throws BadInput {
        final boolean[] d = new boolean[count];
        if (text == null || text.isBlank()) {
            return d;
        }
        for (final String p : text.split(",", -1)) {
            final int i;
            try {
                i = Integer.parseInt(p.strip());
            } catch (final NumberFormatException e) {
                throw new BadInput("--dead: '" + p.strip() + "' is not a nexthop index");
            }
            if (i < 0 || i >= count) {
                throw new BadInput("--dead: index " + i + " is out of range 0.." + (count - 1));
            }
            d[i] = true;
        }
        return d;
    }

    private int[] parseSources(final int fam, final int count) throws BadInput {
        if (nexthopSources == null) {
            return null;
        }
        if (fam != FlowKey.FAMILY_IPV4) {
            throw new BadInput("--nexthop-src: IPv4 only (IPv6 has no source-address preference)");
        }
        final String[] parts = nexthopSources.split(",", -1);
        if (parts.length != count) {
            throw new BadInput("--nexthop-src: " + parts.length + " addresses for " + count + " nexthops");
        }
        final int[] s = new int[count];
        for (int i = 0; i < count; i++) {
            try {
                s[i] = InetText.parseIpv4(parts[i].strip());
            } catch (final IllegalArgumentException e) {
                throw new BadInput("--nexthop-src: '" + parts[i].strip() + "' is not an IPv4 address");
            }
        }
        return s;
    }
}
