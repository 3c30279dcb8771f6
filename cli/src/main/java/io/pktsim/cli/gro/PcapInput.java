package io.pktsim.cli.gro;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import io.pktsim.core.pcap.PcapFormat;
import io.pktsim.core.pcap.PcapFormatException;
import io.pktsim.core.pcap.PcapReader;

/**
 * Reads the Ethernet frames of a pcap file (link type 1, microsecond or nanosecond timestamps) for the
 * replays, rejecting what they cannot take with one line naming the file, the record and the problem.
 * Off the hot path (one array per frame).
 */
final class PcapInput {

    /** Takes the frames of the file, in file order. */
    interface FrameSink {
        /**
         * @param recordNumber the 1-based record number
         * @param timeNs the capture timestamp, ns
         * @param frame the whole frame
         * @throws BadInputException if the frame cannot be replayed (message without the file name)
         */
        void add(long recordNumber, long timeNs, byte[] frame) throws BadInputException;
    }

    private PcapInput() {
    }

    /**
     * Reads every record of a file into a sink.
     *
     * @param file the capture
     * @param sink where the frames go
     * @return true if the file has nanosecond timestamps, false for microseconds
     * @throws BadInputException for a missing, unreadable or malformed file or a frame the sink refuses; the
     *     message names the file and, for a record, its number
     */
    static boolean read(final Path file, final FrameSink sink) throws BadInputException {
        if (Files.isDirectory(file)) {
            throw new BadInputException(0, file + ": is a directory, not a pcap file");
        }
        try (PcapReader r = PcapReader.open(file)) {
            if (r.linkType() != PcapFormat.LINKTYPE_ETHERNET) {
                throw new BadInputException(0, file + ": file header: link type " + r.linkType()
                    + (r.linkType() == PcapFormat.LINKTYPE_RAW ? " (raw IP)" : " (Linux cooked)")
                    + "; Ethernet frames (link type 1) are needed");
            }
            while (r.next()) {
                final long n = r.recordNumber();
                if (r.capturedLength() < r.originalLength()) {
                    throw new BadInputException(0, file + ": record " + n + ": only " + r.capturedLength() + " of "
                        + r.originalLength() + " bytes captured (snapshot length " + r.snaplenBytes()
                        + "); whole frames are needed (capture with 'tcpdump -s 0')");
                }
                final byte[] frame = new byte[r.capturedLength()];
                r.frame().getBytes(0, frame);
                try {
                    sink.add(n, r.timeNs(), frame);
                } catch (final BadInputException e) {
                    throw new BadInputException(0, file + ": " + e.getMessage());
                }
            }
            return r.nanoseconds();
        } catch (final PcapFormatException e) {
            throw new BadInputException(0, e.getMessage());
        } catch (final NoSuchFileException e) {
            throw new BadInputException(0, file + ": no such file");
        } catch (final AccessDeniedException e) {
            throw new BadInputException(0, file + ": permission denied");
        } catch (final IOException e) {
            throw new BadInputException(0, file + ": cannot read: " + e.getMessage());
        }
    }
}
