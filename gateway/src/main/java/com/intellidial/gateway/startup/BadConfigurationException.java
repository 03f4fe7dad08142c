package com.intellidial.gateway.startup;

import java.util.List;

/** The configuration cannot run in production; every problem found, one line each. */
public class BadConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    BadConfigurationException(List<String> problems) {
        super("Refusing to start with gateway.secrets.backend=vault: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One sentence per problem, naming the property. */
    public List<String> problems() {
        return this.problems;
    }
}
