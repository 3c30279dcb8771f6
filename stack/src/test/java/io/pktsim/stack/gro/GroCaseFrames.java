package io.pktsim.stack.gro;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds the frames of a GRO case file (format {@code linux-gro-cases/1}, see
 * shared/reference/gro-cases-format.md) as byte arrays.
 */
final class GroCaseFrames {

    private final JsonNode defaults;

    GroCaseFrames(final JsonNode defaults) {
        this.defaults = defaults;
    }

    private ObjectNode group(final String name, final JsonNode override) {
        final ObjectNode g = defaults.has(name) ? ((ObjectNode) defaults.get(name)).deepCopy()
            : new com.fasterxml.jackson.databind.node.ObjectNode(
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance);
        if (override != null) {
            final Iterator<Map.Entry<String, JsonNode>> it = override.fields();
            while (it.hasNext()) {
                final Map.Entry<String, JsonNode> e = it.next();
                g.set(e.getKey(), e.getValue());
            }
        }
        return g;
    }

    static byte[] hex(final String h) {
        final byte[] out = new byte[h.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    private static byte[] mac(final String m) {
        return hex(m.replace(":", ""));
    }

    private static byte[] addr(final String a) {
        try {
            return InetAddress.getByName(a).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(a, e);
        }
    }

    private static int flagBits(final JsonNode flags) {
        int bits = 0;
        for (final JsonNode f : flags) {
            switch (f.asText()) {
                case "FIN" -> bits |= 0x001;
                case "SYN" -> bits |= 0x002;
                case "RST" -> bits |= 0x004;
                case "PSH" -> bits |= 0x008;
                case "ACK" -> bits |= 0x010;
                case "URG" -> bits |= 0x020;
                case "ECE" -> bits |= 0x040;
                case "CWR" -> bits |= 0x080;
                case "AE" -> bits |= 0x100;
                default -> throw new IllegalArgumentException("flag " + f);
            }
        }
        return bits;
    }

    static long sum(final byte[] b, final int off, final int len, final long initial) {
        long s = initial;
        for (int i = 0; i + 1 < len; i += 2) {
            s += ((b[off + i] & 0xFF) << 8) | (b[off + i + 1] & 0xFF);
        }
        if ((len & 1) != 0) {
            s += (b[off + len - 1] & 0xFF) << 8;
        }
        return s;
    }

    static int fold(final long sum) {
        long s = sum;
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }

    private static void put16(final byte[] b, final int at, final int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static void put32(final byte[] b, final int at, final int v) {
        put16(b, at, v >>> 16);
        put16(b, at + 2, v);
    }

    /** An IPv4 header (with options) for the given group and payload length. */
    private static byte[] ipv4(final JsonNode g, final int proto, final int payloadLen) {
        final byte[] opts = g.has("options_hex") ? hex(g.get("options_hex").asText()) : new byte[0];
        final int hlen = 20 + opts.length;
        final byte[] h = new byte[hlen];
        final int ihl = g.has("ihl") ? g.get("ihl").asInt() : hlen / 4;
        h[0] = (byte) (0x40 | ihl);
        int tos = g.path("tos").asInt(0);
        if (g.has("dscp") || g.has("ecn")) {
            tos = (g.path("dscp").asInt(0) << 2) | g.path("ecn").asInt(0);
        }
        h[1] = (byte) tos;
        int tot = hlen + payloadLen;
        if (g.has("tot_len")) {
            tot = g.get("tot_len").asInt();
        }
        tot += g.path("tot_len_delta").asInt(0);
        put16(h, 2, tot);
        put16(h, 4, g.path("id").asInt(0));
        int frag = g.path("frag_offset").asInt(0) & 0x1FFF;
        if (g.path("df").asBoolean(false)) {
            frag |= 0x4000;
        }
        if (g.path("mf").asBoolean(false)) {
            frag |= 0x2000;
        }
        if (g.path("evil").asBoolean(false)) {
            frag |= 0x8000;
        }
        put16(h, 6, frag);
        h[8] = (byte) g.path("ttl").asInt(64);
        h[9] = (byte) (g.has("proto") ? g.get("proto").asInt() : proto);
        System.arraycopy(addr(g.get("src").asText()), 0, h, 12, 4);
        System.arraycopy(addr(g.get("dst").asText()), 0, h, 16, 4);
        System.arraycopy(opts, 0, h, 20, opts.length);
        int check = ~fold(sum(h, 0, hlen, 0)) & 0xFFFF;
        final JsonNode c = g.get("csum");
        if (c != null) {
            if ("invalid".equals(c.asText())) {
                check = (check + 1) & 0xFFFF;
            } else if (c.isInt()) {
                check = c.asInt();
            }
        }
        put16(h, 10, check);
        return h;
    }

    /** Builds one packet of a case. */
    byte[] build(final String family, final JsonNode pkt) {
        final JsonNode tcpD = group("tcp", null);
        final ObjectNode l2 = group("l2", pkt.get("l2"));
        final int len = pkt.path("len").asInt(0);
        final String fill = pkt.path("fill").asText("a");
        final byte fillByte = (byte) fill.charAt(0);
        // TCP header
        final byte[] opts = pkt.has("options_hex") ? hex(pkt.get("options_hex").asText()) : new byte[0];
        final int thlen = 20 + opts.length;
        final byte[] tcp = new byte[thlen + len];
        put16(tcp, 0, pkt.has("sport") ? pkt.get("sport").asInt() : tcpD.get("sport").asInt());
        put16(tcp, 2, pkt.has("dport") ? pkt.get("dport").asInt() : tcpD.get("dport").asInt());
        put32(tcp, 4, tcpD.get("seq_base").asInt() + pkt.path("seq").asInt(0));
        put32(tcp, 8, tcpD.get("ack_base").asInt() + pkt.path("ack").asInt(0));
        final int flags = flagBits(pkt.has("flags") ? pkt.get("flags") : tcpD.get("flags"));
        put16(tcp, 12, ((thlen / 4) << 12) | flags);
        put16(tcp, 14, pkt.has("window") ? pkt.get("window").asInt() : tcpD.get("window").asInt());
        put16(tcp, 18, pkt.path("urg_ptr").asInt(0));
        System.arraycopy(opts, 0, tcp, 20, opts.length);
        for (int i = thlen; i < tcp.length; i++) {
            tcp[i] = fillByte;
        }
        // IP headers
        final byte[] ipHeader;
        byte[] outer = null;
        final byte[] pseudoSrc;
        final byte[] pseudoDst;
        final boolean v6 = "ipv6".equals(family);
        if (v6) {
            final ObjectNode g = group("ipv6", pkt.get("ip"));
            final ByteArrayOutputStream ext = new ByteArrayOutputStream();
            final List<int[]> types = new ArrayList<>();
            final List<byte[]> bodies = new ArrayList<>();
            for (final JsonNode e : pkt.path("ipv6_ext")) {
                final JsonNode t = e.get("type");
                int type;
                if (t.isInt()) {
                    type = t.asInt();
                } else {
                    switch (t.asText()) {
                        case "hbh" -> type = 0;
                        case "routing" -> type = 43;
                        case "dstopts" -> type = 60;
                        case "fragment" -> type = 44;
                        default -> throw new IllegalArgumentException("ext " + t);
                    }
                }
                types.add(new int[] {type});
                bodies.add(hex(e.get("hex_after_nexthdr").asText()));
            }
            for (int i = 0; i < bodies.size(); i++) {
                final int next = i + 1 < types.size() ? types.get(i + 1)[0] : 6;
                ext.write(next);
                ext.write(bodies.get(i), 0, bodies.get(i).length);
            }
            final byte[] extBytes = ext.toByteArray();
            final byte[] h = new byte[40 + extBytes.length];
            int tc = g.path("tclass").asInt(0);
            if (g.has("dscp") || g.has("ecn")) {
                tc = (g.path("dscp").asInt(0) << 2) | g.path("ecn").asInt(0);
            }
            put32(h, 0, (6 << 28) | (tc << 20) | (g.path("flowlabel").asInt(0) & 0xFFFFF));
            int plen = extBytes.length + tcp.length;
            if (g.has("payload_len")) {
                plen = g.get("payload_len").asInt();
            }
            plen += g.path("payload_len_delta").asInt(0);
            put16(h, 4, plen);
            h[6] = (byte) (types.isEmpty() ? 6 : types.get(0)[0]);
            h[7] = (byte) g.path("hop_limit").asInt(64);
            System.arraycopy(addr(g.get("src").asText()), 0, h, 8, 16);
            System.arraycopy(addr(g.get("dst").asText()), 0, h, 24, 16);
            System.arraycopy(extBytes, 0, h, 40, extBytes.length);
            ipHeader = h;
            pseudoSrc = addr(g.get("src").asText());
            pseudoDst = addr(g.get("dst").asText());
        } else {
            final ObjectNode g = group("ipv4", pkt.get("ip"));
            ipHeader = ipv4(g, 6, tcp.length);
            pseudoSrc = addr(g.get("src").asText());
            pseudoDst = addr(g.get("dst").asText());
            if ("ipip".equals(family)) {
                final ObjectNode og = group("ipv4", null);
                if (defaults.has("ipv4_outer")) {
                    og.setAll((ObjectNode) defaults.get("ipv4_outer"));
                }
                if (pkt.has("outer")) {
                    og.setAll((ObjectNode) pkt.get("outer"));
                }
                outer = ipv4(og, 4, ipHeader.length + tcp.length);
            }
        }
        // TCP checksum
        final int csumPayload = pkt.has("csum_payload_len") ? pkt.get("csum_payload_len").asInt() : len;
        final byte[] forSum = new byte[thlen + csumPayload];
        System.arraycopy(tcp, 0, forSum, 0, thlen);
        for (int i = thlen; i < forSum.length; i++) {
            forSum[i] = fillByte;
        }
        long pseudo = sum(pseudoSrc, 0, pseudoSrc.length, 0) + sum(pseudoDst, 0, pseudoDst.length, 0) + 6
            + forSum.length;
        int check = ~fold(sum(forSum, 0, forSum.length, pseudo)) & 0xFFFF;
        final JsonNode c = pkt.get("csum");
        if (c != null) {
            if ("invalid".equals(c.asText())) {
                check = (check + 1) & 0xFFFF;
            } else if ("selftest_minus_1".equals(c.asText())) {
                final int le = ((check & 0xFF) << 8) | (check >>> 8);
                final int dec = (le - 1) & 0xFFFF;
                check = ((dec & 0xFF) << 8) | (dec >>> 8);
            } else if (c.isInt()) {
                check = c.asInt();
            }
        }
        put16(tcp, 16, check);
        // frame
        final ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(mac(l2.get("dst").asText()), 0, 6);
        f.write(mac(l2.get("src").asText()), 0, 6);
        final int ethertype = l2.has("ethertype") ? l2.get("ethertype").asInt() : v6 ? 0x86DD : 0x0800;
        f.write(ethertype >>> 8);
        f.write(ethertype & 0xFF);
        if (outer != null) {
            f.write(outer, 0, outer.length);
        }
        f.write(ipHeader, 0, ipHeader.length);
        f.write(tcp, 0, tcp.length);
        for (int i = 0; i < pkt.path("pad_bytes").asInt(0); i++) {
            f.write(0);
        }
        byte[] frame = f.toByteArray();
        for (final JsonNode op : pkt.path("frame_ops")) {
            final int o = op.get("offset").asInt();
            switch (op.get("op").asText()) {
                case "insert": {
                    final byte[] ins = hex(op.get("hex").asText());
                    final byte[] n = new byte[frame.length + ins.length];
                    System.arraycopy(frame, 0, n, 0, o);
                    System.arraycopy(ins, 0, n, o, ins.length);
                    System.arraycopy(frame, o, n, o + ins.length, frame.length - o);
                    frame = n;
                    break;
                }
                case "set": {
                    final byte[] set = hex(op.get("hex").asText());
                    System.arraycopy(set, 0, frame, o, set.length);
                    break;
                }
                case "ipv4_edit": {
                    if (op.has("ihl")) {
                        frame[o] = (byte) ((frame[o] & 0xF0) | op.get("ihl").asInt());
                    }
                    final int tot = (((frame[o + 2] & 0xFF) << 8) | (frame[o + 3] & 0xFF))
                        + op.path("tot_len_delta").asInt(0);
                    put16(frame, o + 2, tot);
                    put16(frame, o + 10, 0);
                    put16(frame, o + 10, ~fold(sum(frame, o, (frame[o] & 0x0F) * 4, 0)) & 0xFFFF);
                    break;
                }
                default:
                    throw new IllegalArgumentException("frame op " + op);
            }
        }
        return frame;
    }
}
