package com.intellidial.gateway.callbacks;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;

/**
 * The one table of address ranges the gateway never relays to: every entry of the IANA IPv4 and
 * IPv6 special-purpose address registries that is not globally reachable, plus multicast, the
 * deprecated 6to4 relay anycast and site-local prefixes, and the whole IETF protocol assignment
 * blocks (their few anycast exceptions host no webhook). IPv6 forms that carry an IPv4 address
 * (IPv4-mapped, IPv4-compatible, the NAT64 well-known prefix) are judged by that IPv4 address;
 * 6to4 and Teredo, which embed one too, are refused whole.
 */
final class SpecialPurposeRanges {

    /** The ranges, each with the registry name it comes from (RFC 6890, RFC 8190 and their updates). */
    static final List<Range> RANGES = List.of(
            // IANA IPv4 special-purpose address registry
            range("0.0.0.0/8", "\"this network\""),
            range("10.0.0.0/8", "private use"),
            range("100.64.0.0/10", "shared address space (CGNAT)"),
            range("127.0.0.0/8", "loopback"),
            range("169.254.0.0/16", "link-local"),
            range("172.16.0.0/12", "private use"),
            range("192.0.0.0/24", "IETF protocol assignments"),
            range("192.0.2.0/24", "documentation (TEST-NET-1)"),
            range("192.88.99.0/24", "deprecated 6to4 relay anycast"),
            range("192.168.0.0/16", "private use"),
            range("198.18.0.0/15", "benchmarking"),
            range("198.51.100.0/24", "documentation (TEST-NET-2)"),
            range("203.0.113.0/24", "documentation (TEST-NET-3)"),
            range("224.0.0.0/4", "multicast"),
            range("240.0.0.0/4", "reserved"),
            range("255.255.255.255/32", "limited broadcast"),
            // IANA IPv6 special-purpose address registry
            range("::/128", "unspecified"),
            range("::1/128", "loopback"),
            range("64:ff9b:1::/48", "local-use IPv4/IPv6 translation"),
            range("100::/64", "discard-only"),
            range("100:0:0:1::/64", "dummy IPv6 prefix"),
            range("2001::/23", "IETF protocol assignments (Teredo 2001::/32, benchmarking, ORCHID)"),
            range("2001:db8::/32", "documentation"),
            range("2002::/16", "6to4 (embeds an IPv4 address)"),
            range("3fff::/20", "documentation"),
            range("5f00::/16", "segment routing SIDs"),
            range("fc00::/7", "unique local"),
            range("fe80::/10", "link-local unicast"),
            range("fec0::/10", "deprecated site-local"),
            range("ff00::/8", "multicast"));

    private SpecialPurposeRanges() {
    }

    /** The range that contains the address, or {@code null} when it is globally reachable. */
    static @Nullable Range find(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address) {
            byte[] embedded = embeddedV4(bytes);
            if (embedded != null) {
                bytes = embedded;
            }
        }
        for (Range range : RANGES) {
            if (range.contains(bytes)) {
                return range;
            }
        }
        return null;
    }

    /**
     * The IPv4 address an IPv6 address stands for: IPv4-mapped ({@code ::ffff:0:0/96}),
     * IPv4-compatible ({@code ::/96}, except {@code ::} and {@code ::1}) and the NAT64 well-known
     * prefix ({@code 64:ff9b::/96}, RFC 6052); {@code null} for every other address.
     */
    private static byte @Nullable [] embeddedV4(byte[] bytes) {
        boolean zero80 = allZero(bytes, 0, 10);
        boolean mapped = zero80 && bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
        boolean compatible = zero80 && bytes[10] == 0 && bytes[11] == 0
                && !(allZero(bytes, 12, 15) && (bytes[15] == 0 || bytes[15] == 1));
        boolean nat64 = bytes[0] == 0 && bytes[1] == 0x64 && bytes[2] == (byte) 0xff && bytes[3] == (byte) 0x9b
                && allZero(bytes, 4, 12);
        return (mapped || compatible || nat64) ? new byte[] { bytes[12], bytes[13], bytes[14], bytes[15] } : null;
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static Range range(String cidr, String name) {
        int slash = cidr.indexOf('/');
        byte[] network = NetUtil.createByteArrayFromIpAddressString(cidr.substring(0, slash));
        if (network == null) {
            throw new IllegalArgumentException("not an address: " + cidr);
        }
        return new Range(cidr, name, network, Integer.parseInt(cidr.substring(slash + 1)));
    }

    /**
     * One range of the table.
     * @param cidr the range as written in the registry, e.g. {@code 198.18.0.0/15}
     * @param name what the registry calls it
     * @param network the network address (4 or 16 bytes)
     * @param prefixLength the number of leading bits that must match
     */
    record Range(String cidr, String name, byte[] network, int prefixLength) {

        /** Whether an address of the same family lies in the range. */
        boolean contains(byte[] address) {
            if (address.length != this.network.length) {
                return false;
            }
            int full = this.prefixLength / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != this.network[i]) {
                    return false;
                }
            }
            int rest = this.prefixLength % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (this.network[full] & mask);
        }

        @Override
        public String toString() {
            return this.cidr + ", " + this.name;
        }
    }
}
