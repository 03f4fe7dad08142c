package com.intellidial.gateway.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random spellings of a request path, as an attacker would try them: percent-encoded unreserved
 * characters, case changes, trailing slashes, {@code ;} parameters, doubled slashes, dot segments,
 * encoded slashes and double encoding.
 */
public final class PathSpellings {

    private PathSpellings() {
    }

    /** One random change of spelling. */
    public static String mutate(String path, Random random) {
        int slash = slashPositions(path).get(random.nextInt(slashPositions(path).size()));
        return switch (random.nextInt(9)) {
            case 0 -> encodeOne(path, random);
            case 1 -> flipCase(path, random);
            case 2 -> path + "/";
            case 3 -> insertAt(path, segmentEnd(path, slash), ";x=" + random.nextInt(9));
            case 4 -> insertAt(path, slash, "/");
            case 5 -> insertAt(path, slash, "/.");
            case 6 -> insertAt(path, slash, "/seg/..");
            case 7 -> insertAt(path, slash + 1, "%2F");
            default -> path.replace("%", "%25");
        };
    }

    /** Percent-encodes one unreserved character, in upper- or lower-case hex. */
    public static String encodeOne(String path, Random random) {
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < path.length(); i++) {
            if (isUnreserved(path.charAt(i)) && !insideEscape(path, i)) {
                candidates.add(i);
            }
        }
        if (candidates.isEmpty()) {
            return path;
        }
        int at = candidates.get(random.nextInt(candidates.size()));
        String hex = String.format("%%%02X", (int) path.charAt(at));
        return path.substring(0, at) + (random.nextBoolean() ? hex : hex.toLowerCase()) + path.substring(at + 1);
    }

    private static String flipCase(String path, Random random) {
        List<Integer> letters = new ArrayList<>();
        for (int i = 0; i < path.length(); i++) {
            if (Character.isLetter(path.charAt(i)) && !insideEscape(path, i)) {
                letters.add(i);
            }
        }
        if (letters.isEmpty()) {
            return path;
        }
        int at = letters.get(random.nextInt(letters.size()));
        char c = path.charAt(at);
        char flipped = Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
        return path.substring(0, at) + flipped + path.substring(at + 1);
    }

    /** Whether the character at {@code i} is a hex digit of a {@code %XX} escape. */
    private static boolean insideEscape(String path, int i) {
        return (i >= 1 && path.charAt(i - 1) == '%') || (i >= 2 && path.charAt(i - 2) == '%');
    }

    private static List<Integer> slashPositions(String path) {
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                positions.add(i);
            }
        }
        return positions;
    }

    private static int segmentEnd(String path, int slash) {
        int next = path.indexOf('/', slash + 1);
        return (next < 0) ? path.length() : next;
    }

    private static String insertAt(String path, int at, String text) {
        return path.substring(0, at) + text + path.substring(at);
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                || c == '_' || c == '~';
    }

    /** RFC 3986 section 6.2.2.2: escapes of unreserved characters decoded, everything else kept. */
    public static String decodeUnreserved(String path) {
        StringBuilder decoded = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < path.length()) {
                int high = Character.digit(path.charAt(i + 1), 16);
                int low = Character.digit(path.charAt(i + 2), 16);
                if (high >= 0 && low >= 0 && isUnreserved((char) (high * 16 + low))) {
                    decoded.append((char) (high * 16 + low));
                    i += 2;
                    continue;
                }
            }
            decoded.append(c);
        }
        return decoded.toString();
    }
}
