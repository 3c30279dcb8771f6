package io.pktsim.core.pcap;

import java.nio.file.Path;

/**
 * A pcap file that is truncated or malformed. The message is one line naming the file, the record (or the
 * file header) and what was wrong, e.g.
 * {@code capture.pcap: record 3 (byte 1234): truncated record data: 10 of 60 bytes}.
 */
public final class PcapFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The record number of a problem in the file header. */
    public static final long FILE_HEADER = 0;

    private final transient Path file;
    private final long recordNumber;
    private final long byteOffset;
    private final String problem;

    /**
     * Creates the exception.
     *
     * @param file the file
     * @param recordNumber the record, from 1 as Wireshark numbers frames, or {@link #FILE_HEADER}
     * @param byteOffset where in the file the header of that record (or the file) starts
     * @param problem what was wrong
     */
    public PcapFormatException(final Path file, final long recordNumber, final long byteOffset,
        final String problem) {
        super(file + ": " + (recordNumber == FILE_HEADER ? "file header" : "record " + recordNumber + " (byte "
            + byteOffset + ")") + ": " + problem);
        this.file = file;
        this.recordNumber = recordNumber;
        this.byteOffset = byteOffset;
        this.problem = problem;
    }

    /** @return the file */
    public Path file() {
        return file;
    }

    /** @return the record number, from 1, or {@link #FILE_HEADER} */
    public long recordNumber() {
        return recordNumber;
    }

    /** @return the byte offset of the header of the bad record, or 0 for the file header */
    public long byteOffset() {
        return byteOffset;
    }

    /** @return what was wrong, without the file and record */
    public String problem() {
        return problem;
    }
}
