package io.pktsim.cli.gro;

/** Input the replay cannot take: the message names the record number and what was wrong. */
public final class BadInputException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param recordNumber the 1-based pcap record, 0 for the file or the options
     * @param problem what was wrong
     */
    public BadInputException(final long recordNumber, final String problem) {
        super(recordNumber > 0 ? "record " + recordNumber + ": " + problem : problem);
    }
}
