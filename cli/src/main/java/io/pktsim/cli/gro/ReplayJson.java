package io.pktsim.cli.gro;

import java.io.IOException;
import java.io.Writer;
import java.nio.ByteOrder;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import io.pktsim.core.header.EthernetView;
import io.pktsim.core.header.PppoeView;
import org.agrona.DirectBuffer;

/**
 * Writes the JSON arrays of {@code pktsim gro} ({@code payload_len, segs, gso_size, seq, tcp_flags,
 * flush_reason}) and {@code pktsim gso} ({@code payload_len, seq, ip_id, tcp_flags}), and moves finished files
 * into place so that a failed run leaves no half-written output. A PPPoE session frame adds {@code pppoe_session}
 * and {@code pppoe_length} (the PPPoE length field as written: an aggregate's or a segment's own).
 */
public final class ReplayJson {

    private ReplayJson() {
    }

    /**
     * Writes the GRO array.
     *
     * @param records delivered packets in delivery order
     * @param out where to write
     * @throws IOException on a write error
     */
    public static void writeGro(final List<ReplayRecord> records, final Writer out) throws IOException {
        out.write('[');
        String sep = "\n  ";
        for (final ReplayRecord r : records) {
            out.write(sep);
            sep = ",\n  ";
            try (JsonGenerator g = generator(out)) {
                g.writeStartObject();
                g.writeNumberField("payload_len", r.payloadLen());
                g.writeNumberField("segs", r.segs() == null ? 1 : r.segs());
                g.writeNumberField("gso_size", r.gsoSize() == null ? 0 : r.gsoSize());
                writeCommon(g, r);
                g.writeStringField("flush_reason", r.flushReason());
                writePppoe(g, r);
                g.writeEndObject();
            }
        }
        out.write(records.isEmpty() ? "]" : "\n]");
        out.flush();
    }

    /**
     * Writes the GSO array.
     *
     * @param records wire packets in order
     * @param out where to write
     * @throws IOException on a write error
     */
    public static void writeGso(final List<ReplayRecord> records, final Writer out) throws IOException {
        out.write('[');
        String sep = "\n  ";
        for (final ReplayRecord r : records) {
            out.write(sep);
            sep = ",\n  ";
            try (JsonGenerator g = generator(out)) {
                g.writeStartObject();
                g.writeNumberField("payload_len", r.payloadLen());
                if (r.seq() == null) {
                    g.writeNullField("seq");
                } else {
                    g.writeNumberField("seq", r.seq());
                }
                if (r.ipId() == null) {
                    g.writeNullField("ip_id");
                } else {
                    g.writeNumberField("ip_id", r.ipId());
                }
                writeFlags(g, r);
                writePppoe(g, r);
                g.writeEndObject();
            }
        }
        out.write(records.isEmpty() ? "]" : "\n]");
        out.flush();
    }

    /** One object per line, {@code "name": value, ...}; closing the generator leaves the writer open. */
    private static JsonGenerator generator(final Writer out) throws IOException {
        final JsonGenerator g = new JsonFactory().createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.setPrettyPrinter(new MinimalPrettyPrinter() {
            private static final long serialVersionUID = 1L;

            @Override
            public void writeObjectFieldValueSeparator(final JsonGenerator jg) throws IOException {
                jg.writeRaw(": ");
            }

            @Override
            public void writeObjectEntrySeparator(final JsonGenerator jg) throws IOException {
                jg.writeRaw(", ");
            }

            @Override
            public void writeArrayValueSeparator(final JsonGenerator jg) throws IOException {
                jg.writeRaw(", ");
            }
        });
        return g;
    }

    private static void writeCommon(final JsonGenerator g, final ReplayRecord r) throws IOException {
        if (r.seq() == null) {
            g.writeNullField("seq");
        } else {
            g.writeNumberField("seq", r.seq());
        }
        writeFlags(g, r);
    }

    private static void writePppoe(final JsonGenerator g, final ReplayRecord r) throws IOException {
        final int sid = pppoeSession(r.frame());
        if (sid >= 0) {
            g.writeNumberField("pppoe_session", sid);
            g.writeNumberField("pppoe_length", ((r.frame()[18] & 0xFF) << 8) | (r.frame()[19] & 0xFF));
        }
    }

    /**
     * @param frame an Ethernet frame
     * @return the session id if the frame is a PPPoE session frame ({@code ETH_P_PPP_SES}, no VLAN tag) with its
     *     8-byte PPPoE and PPP header, else -1
     */
    static int pppoeSession(final byte[] frame) {
        return pppoeSession(new org.agrona.concurrent.UnsafeBuffer(frame), 0, frame.length);
    }

    /**
     * @param b a buffer
     * @param at where an Ethernet frame starts
     * @param length the frame's length, bytes
     * @return as {@link #pppoeSession(byte[])}
     */
    static int pppoeSession(final DirectBuffer b, final int at, final int length) {
        if (length < EthernetView.LENGTH + PppoeView.LENGTH || (b.getShort(at + EthernetView.ETHERTYPE_OFFSET,
            ByteOrder.BIG_ENDIAN) & 0xFFFF) != EthernetView.ETHERTYPE_PPPOE_SESSION) {
            return -1;
        }
        return b.getShort(at + EthernetView.LENGTH + PppoeView.SESSION_ID_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    private static void writeFlags(final JsonGenerator g, final ReplayRecord r) throws IOException {
        if (r.tcpFlags() == null) {
            g.writeNullField("tcp_flags");
            return;
        }
        g.writeArrayFieldStart("tcp_flags");
        for (final String f : r.tcpFlags()) {
            g.writeString(f);
        }
        g.writeEndArray();
    }
}
