package dev.cloudless.sync.discovery.lan;

/** A LAN datagram that is not a well-formed announcement; it is dropped. */
final class MalformedAnnouncementException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedAnnouncementException(String message) {
        super(message);
    }
}
