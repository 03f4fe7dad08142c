package com.intellidial.gateway.startup;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns {@link BadConfigurationException} into Boot's "APPLICATION FAILED TO START" report: the
 * list of problems and what to do, without a stack trace (the problems are configuration, not code).
 */
class BadConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<BadConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BadConfigurationException cause) {
        StringBuilder description = new StringBuilder("The production configuration (gateway.secrets.backend=vault) has ")
            .append(cause.problems().size()).append(cause.problems().size() == 1 ? " problem:" : " problems:");
        cause.problems().forEach(problem -> description.append(System.lineSeparator()).append("  - ").append(problem));
        return new FailureAnalysis(description.toString(),
                "Fix each property listed above (docs/deployment.md). A local run uses the 'local' profile and "
                        + "gateway.secrets.backend=local, where these checks do not apply.",
                null);
    }
}
