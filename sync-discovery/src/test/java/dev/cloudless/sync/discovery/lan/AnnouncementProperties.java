package dev.cloudless.sync.discovery.lan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.DeviceId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The LAN announcement: round trip, keyed tags, and hostile datagrams. */
class AnnouncementProperties {

    @Property
    void decodeEncodeIsIdentityAndTheTagNamesOnlyItsFolder(@ForAll boolean reply, @ForAll @Size(15) byte[] device,
            @ForAll @IntRange(min = 1, max = 65535) int port, @ForAll @Size(16) byte[] nonce,
            @ForAll @Size(32) byte[] key, @ForAll @Size(32) byte[] otherKey) throws MalformedAnnouncementException {
        Announcement a = Announcement.create(reply, DeviceId.fromBytes(device), port, nonce, key);
        byte[] wire = a.encode();
        Announcement back = Announcement.decode(wire, wire.length);
        assertEquals(a, back);
        assertTrue(back.isFor(key));
        assertEquals(java.util.Arrays.equals(key, otherKey), back.isFor(otherKey));
    }

    @Property
    void freshNoncesMakeUnlinkableTags(@ForAll @Size(15) byte[] device, @ForAll @Size(16) byte[] n1,
                                       @ForAll @Size(16) byte[] n2, @ForAll @Size(32) byte[] key) {
        net.jqwik.api.Assume.that(!java.util.Arrays.equals(n1, n2));
        DeviceId d = DeviceId.fromBytes(device);
        assertNotEquals(java.util.HexFormat.of().formatHex(Announcement.create(false, d, 1, n1, key).tag()),
                java.util.HexFormat.of().formatHex(Announcement.create(false, d, 1, n2, key).tag()));
    }

    @Property
    void randomDatagramsOnlyThrowTheTypedException(@ForAll @Size(max = 200) byte[] d) {
        try {
            Announcement.decode(d, d.length);
        } catch (MalformedAnnouncementException expected) {
            // the documented failure
        }
    }

    @Property
    void aTamperedDatagramFailsToDecodeOrToVerify(@ForAll @Size(15) byte[] device, @ForAll @Size(16) byte[] nonce,
            @ForAll @Size(32) byte[] key, @ForAll @IntRange(max = 69) int where,
            @ForAll @IntRange(min = 1, max = 255) int flip) {
        byte[] wire = Announcement.create(false, DeviceId.fromBytes(device), 4000, nonce, key).encode();
        wire[where] ^= (byte) flip;
        try {
            assertFalse(Announcement.decode(wire, wire.length).isFor(key));
        } catch (MalformedAnnouncementException expected) {
            // the documented failure
        }
    }
}
