package com.intellidial.simulator.twilio;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/** Twilio's wire formats: SIDs, RFC 2822 dates and formatted phone numbers. */
final class TwilioFormat {

    /** The API version every v2010 resource reports and every path starts with. */
    static final String API_VERSION = "2010-04-01";

    private static final DateTimeFormatter RFC_2822 = DateTimeFormatter
        .ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.US)
        .withZone(ZoneOffset.UTC);

    private TwilioFormat() {
    }

    /** A new SID: the two-letter prefix ({@code CA}, {@code PN}, ...) and 32 lower-case hex digits. */
    static String sid(String prefix) {
        byte[] random = new byte[16];
        ThreadLocalRandom.current().nextBytes(random);
        return prefix + HexFormat.of().formatHex(random);
    }

    /** A date as Twilio writes it, e.g. {@code Tue, 31 Aug 2010 20:36:28 +0000}. */
    static String date(Instant instant) {
        return RFC_2822.format(instant);
    }

    /** Parses a date written by {@link #date}. */
    static Instant parseDate(String date) {
        return RFC_2822.parse(date, Instant::from);
    }

    /** {@code (415) 555-0123} for a North American E.164 number, the number itself otherwise. */
    static String formatted(String number) {
        if (number.matches("\\+1\\d{10}")) {
            return "(" + number.substring(2, 5) + ") " + number.substring(5, 8) + "-" + number.substring(8);
        }
        return number;
    }

    /** The path of an account's resource collection or item, e.g. {@code /2010-04-01/Accounts/AC.../Calls}. */
    static String accountPath(String accountSid, String rest) {
        return "/" + API_VERSION + "/Accounts/" + accountSid + rest;
    }
}
