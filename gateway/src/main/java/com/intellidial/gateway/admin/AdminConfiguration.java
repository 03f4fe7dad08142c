package com.intellidial.gateway.admin;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

import com.intellidial.gateway.web.FailedAuthentications;

/** Admin tokens, the audit log and the filter that guards {@code /admin/**} with both. */
@Configuration(proxyBeanMethods = false)
class AdminConfiguration {

    @Bean
    AdminTokens adminTokens(DatabaseClient db, AdminProperties properties, FailedAuthentications failures) {
        String bootstrap = properties.bootstrapToken();
        if (bootstrap != null && !bootstrap.isBlank()) {
            String weakness = AdminTokens.weakness(bootstrap);
            if (weakness != null) {
                throw new IllegalStateException("gateway.admin.bootstrap-token " + weakness);
            }
        }
        return new AdminTokens(db, bootstrap, Clock.systemUTC(), failures);
    }

    @Bean
    AuditLog auditLog(DatabaseClient db) {
        return new AuditLog(db);
    }

    @Bean
    AdminAccessWebFilter adminAccessWebFilter(AdminTokens tokens, AuditLog audit, AdminProperties properties) {
        return new AdminAccessWebFilter(tokens, audit, Clock.systemUTC(), properties.publicApiDocs());
    }
}
