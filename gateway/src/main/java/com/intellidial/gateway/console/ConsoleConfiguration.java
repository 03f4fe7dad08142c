package com.intellidial.gateway.console;

import java.time.Clock;
import java.util.Locale;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.ISpringWebFluxTemplateEngine;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.intellidial.gateway.admin.AdminTokens;
import com.intellidial.gateway.admin.AuditLog;

/** The console's sessions and the filter that guards {@code /console/**} with them. */
@Configuration(proxyBeanMethods = false)
class ConsoleConfiguration {

    @Bean
    ConsoleTemplates consoleTemplates() {
        return new ConsoleTemplates();
    }

    /**
     * Thymeleaf builds its configuration (reading service files from jars) on its first render: do
     * that, and one render, at start on the main thread, not on an event loop.
     */
    @Bean
    SmartInitializingSingleton consoleTemplateEngineWarmUp(ObjectProvider<ISpringWebFluxTemplateEngine> engine) {
        return () -> engine.ifAvailable(templates -> {
            templates.getConfiguration();
            Context context = new Context(Locale.ENGLISH, Map.of("message", "warm-up", "section", ""));
            templates.process("console/error", context);
        });
    }

    @Bean
    ConsoleSessions consoleSessions() {
        return new ConsoleSessions(Clock.systemUTC());
    }

    @Bean
    ConsoleAccessWebFilter consoleAccessWebFilter(ConsoleSessions sessions, AuditLog audit, AdminTokens tokens) {
        return new ConsoleAccessWebFilter(sessions, audit, tokens, Clock.systemUTC());
    }
}
