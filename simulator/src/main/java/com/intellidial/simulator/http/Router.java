package com.intellidial.simulator.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A tiny method + path-template router: a template segment {@code {name}} captures one path segment, and
 * {@code {name}.json} captures it without the literal suffix.
 *
 * @param <C> the per-request context the vendor API passes to its handlers
 */
public final class Router<C> {

    private final List<Route<C>> routes = new ArrayList<>();

    /** Adds a route; earlier routes win when several match. */
    public Router<C> route(String method, String template, Handler<C> handler) {
        this.routes.add(new Route<>(method, segments(template), handler));
        return this;
    }

    /** Finds the handler for a request. */
    public Match<C> match(String method, String path) {
        String[] actual = segments(path);
        boolean pathKnown = false;
        for (Route<C> route : this.routes) {
            Map<String, String> variables = route.bind(actual);
            if (variables != null) {
                if (route.method().equals(method)) {
                    return new Match.Found<>(route.handler(), variables);
                }
                pathKnown = true;
            }
        }
        return pathKnown ? new Match.MethodNotAllowed<>() : new Match.NotFound<>();
    }

    private static String[] segments(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }

    /** Computes the reply for one routed request. */
    @FunctionalInterface
    public interface Handler<C> {

        /** Handles the request described by {@code context}, with the captured path variables. */
        Reply handle(C context, Map<String, String> pathVariables);
    }

    /** The outcome of {@link #match}. */
    public sealed interface Match<C> {

        /** A route matched method and path. */
        record Found<C>(Handler<C> handler, Map<String, String> pathVariables) implements Match<C> {
        }

        /** A route matched the path but not the method. */
        record MethodNotAllowed<C>() implements Match<C> {
        }

        /** No route matched the path. */
        record NotFound<C>() implements Match<C> {
        }
    }

    private record Route<C>(String method, String[] template, Handler<C> handler) {

        @Nullable Map<String, String> bind(String[] actual) {
            if (actual.length != this.template.length) {
                return null;
            }
            Map<String, String> variables = new HashMap<>();
            for (int i = 0; i < actual.length; i++) {
                String expected = this.template[i];
                String segment = actual[i];
                if (expected.startsWith("{")) {
                    int close = expected.indexOf('}');
                    String suffix = expected.substring(close + 1);
                    if (segment.length() <= suffix.length() || !segment.endsWith(suffix)) {
                        return null;
                    }
                    variables.put(expected.substring(1, close), segment.substring(0, segment.length() - suffix.length()));
                }
                else if (!expected.equals(segment)) {
                    return null;
                }
            }
            return variables;
        }
    }
}
