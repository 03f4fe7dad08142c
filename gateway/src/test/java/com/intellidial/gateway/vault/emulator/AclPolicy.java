package com.intellidial.gateway.vault.emulator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Vault ACL policy parsed from its HCL: {@code path "<glob>" { capabilities = [...] }} blocks, with
 * Vault's glob rules ({@code *} only at the end as a prefix match, {@code +} for one segment) and its
 * priority rules for choosing among several matching paths.
 */
record AclPolicy(String name, String text, Map<String, Set<String>> rules) {

    private static final Pattern BLOCK = Pattern.compile("path\\s+\"([^\"]+)\"\\s*\\{(.*?)\\}", Pattern.DOTALL);

    private static final Pattern CAPABILITIES = Pattern.compile("capabilities\\s*=\\s*\\[(.*?)\\]", Pattern.DOTALL);

    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

    /** The built-in policy every non-root token carries: token self-service. */
    static final AclPolicy DEFAULT = parse("default", """
            path "auth/token/lookup-self" { capabilities = ["read"] }
            path "auth/token/renew-self" { capabilities = ["update"] }
            path "auth/token/revoke-self" { capabilities = ["update"] }
            path "sys/capabilities-self" { capabilities = ["update"] }
            """);

    static AclPolicy parse(String name, String hcl) {
        StringBuilder withoutComments = new StringBuilder();
        for (String line : hcl.split("\n", -1)) {
            int hash = line.indexOf('#');
            withoutComments.append((hash >= 0) ? line.substring(0, hash) : line).append('\n');
        }
        Map<String, Set<String>> rules = new LinkedHashMap<>();
        Matcher block = BLOCK.matcher(withoutComments);
        while (block.find()) {
            Matcher capabilities = CAPABILITIES.matcher(block.group(2));
            Set<String> granted = rules.computeIfAbsent(block.group(1), p -> new LinkedHashSet<>());
            if (capabilities.find()) {
                Matcher quoted = QUOTED.matcher(capabilities.group(1));
                while (quoted.find()) {
                    granted.add(quoted.group(1));
                }
            }
        }
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("failed to parse policy: no path blocks");
        }
        return new AclPolicy(name, hcl, rules);
    }

    /**
     * Whether the policies together grant {@code capability} on {@code path}: rules for the same
     * path are merged, the highest-priority matching path decides, and {@code deny} beats all.
     */
    static boolean allows(Collection<AclPolicy> policies, String path, String capability) {
        Map<String, Set<String>> merged = new LinkedHashMap<>();
        for (AclPolicy policy : policies) {
            policy.rules.forEach((glob, caps) -> merged.computeIfAbsent(glob, g -> new LinkedHashSet<>()).addAll(caps));
        }
        List<String> matching = new ArrayList<>();
        for (String glob : merged.keySet()) {
            if (matches(glob, path)) {
                matching.add(glob);
            }
        }
        return matching.stream().max(PRIORITY).map(merged::get)
            .map(caps -> !caps.contains("deny") && caps.contains(capability))
            .orElse(false);
    }

    static boolean matches(String glob, String path) {
        boolean prefix = glob.endsWith("*");
        String body = prefix ? glob.substring(0, glob.length() - 1) : glob;
        StringBuilder regex = new StringBuilder();
        for (String part : body.split("\\+", -1)) {
            if (regex.length() > 0) {
                regex.append("[^/]*");
            }
            regex.append(Pattern.quote(part));
        }
        if (prefix) {
            regex.append(".*");
        }
        return path.matches(regex.toString());
    }

    /** Vault's priority: later first wildcard, no trailing glob, fewer {@code +}, longer, then lexical. */
    static final Comparator<String> PRIORITY = Comparator
        .<String>comparingInt(AclPolicy::firstWildcard)
        .thenComparing(glob -> !glob.endsWith("*"))
        .thenComparing(glob -> -plusCount(glob))
        .thenComparingInt(String::length)
        .thenComparing(Comparator.naturalOrder());

    private static int firstWildcard(String glob) {
        int plus = glob.indexOf('+');
        int star = glob.indexOf('*');
        int first = Integer.MAX_VALUE;
        if (plus >= 0) {
            first = plus;
        }
        if (star >= 0) {
            first = Math.min(first, star);
        }
        return first;
    }

    private static int plusCount(String glob) {
        return (int) glob.chars().filter(c -> c == '+').count();
    }
}
