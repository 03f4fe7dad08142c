package com.intellidial.simulator.twilio;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * Twilio's phone-number inventory, made deterministic: every country and type has a fixed sequence of fake numbers
 * (in ranges reserved for fiction where one exists), and a number owned by any account is not available.
 */
final class TwilioNumberPool {

    /** Numbers generated per prefix: line numbers 0100 to 9999. */
    private static final int FIRST_LINE = 100;

    private static final int LAST_LINE = 9999;

    /** Area code to region and locality for a few well-known US codes; others get a generic locality. */
    private static final Map<String, String[]> AREAS = Map.of("415", new String[] { "CA", "San Francisco" }, "212",
            new String[] { "NY", "New York" }, "312", new String[] { "IL", "Chicago" }, "604",
            new String[] { "BC", "Vancouver" });

    private final Set<String> owned = ConcurrentHashMap.newKeySet();

    /** Marks a number as owned; false if some account owns it already. */
    boolean claim(String number) {
        return this.owned.add(number);
    }

    void release(String number) {
        this.owned.remove(number);
    }

    /** The first available local number in a US/CA area code, claimed; empty if the code is invalid or exhausted. */
    Optional<String> claimFirst(String areaCode) {
        for (Candidate candidate : search("US", "Local", areaCode, null, Integer.MAX_VALUE)) {
            if (claim(candidate.number())) {
                return Optional.of(candidate.number());
            }
        }
        return Optional.empty();
    }

    /**
     * Up to {@code limit} available numbers of a country ({@code US}, {@code CA}, {@code GB}) and type
     * ({@code Local}, {@code TollFree}, {@code Mobile}), in a fixed order; an unknown country or type is a 404.
     */
    List<Candidate> search(String country, String type, @Nullable String areaCode, @Nullable String contains,
            int limit) {
        String prefix = prefix(country, type, areaCode);
        boolean northAmerica = !country.equals("GB");
        String[] area = northAmerica
                ? AREAS.getOrDefault(prefix.substring(2, 5), new String[] { "", "Simulator City" })
                : new String[] { "London", "London" };
        // E.164 lengths: +1 and ten digits in North America, +44 and ten digits in the UK.
        int lineDigits = (northAmerica ? 12 : 13) - prefix.length();
        String digits = (contains == null) ? null : contains.replaceAll("[^0-9]", "");
        List<Candidate> found = new ArrayList<>();
        int lastLine = Math.min(LAST_LINE, (int) Math.pow(10, lineDigits) - 1);
        for (int line = FIRST_LINE; line <= lastLine && found.size() < limit; line++) {
            String number = prefix + String.format("%0" + lineDigits + "d", line);
            if (!this.owned.contains(number) && (digits == null || digits.isEmpty() || number.contains(digits))) {
                found.add(new Candidate(number, country, area[0], area[1]));
            }
        }
        return found;
    }

    private static String prefix(String country, String type, @Nullable String areaCode) {
        if (country.equals("US") || country.equals("CA")) {
            String code = (areaCode != null) ? areaCode : type.equals("TollFree") ? "800" : country.equals("US") ? "415" : "604";
            if (!code.matches("[2-9]\\d{2}") || (type.equals("TollFree") != code.startsWith("8"))) {
                throw TwilioException.badRequest(21452, "No phone numbers found in area code " + code);
            }
            return switch (type) {
                case "Local", "TollFree" -> "+1" + code + "555";
                case "Mobile" -> "+1" + code + "556";
                default -> throw new TwilioException(404, 20404, "Unknown phone number type " + type);
            };
        }
        if (country.equals("GB")) {
            // Ofcom's ranges reserved for drama: 020 7946 0xxx, 07700 900xxx, 0808 157 0xxx.
            return switch (type) {
                case "Local" -> "+442079460";
                case "Mobile" -> "+447700900";
                case "TollFree" -> "+448081570";
                default -> throw new TwilioException(404, 20404, "Unknown phone number type " + type);
            };
        }
        throw new TwilioException(404, 20404, "Country " + country + " is not available");
    }

    /** One available number and where it is. */
    record Candidate(String number, String isoCountry, String region, String locality) {
    }
}
